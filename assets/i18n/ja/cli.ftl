# コマンドラインの人向け出力（--json、CSV、エクスポートは変わりません）。

cli-paused = 停止中 { $left }
cli-due = 期限 { $due }
cli-earlier-breach = 以前のサイクルで期限超過あり
cli-organization = 組織
cli-severity-status = 重大度 { $severity }   ステータス { $status }
cli-environment-version = 環境 { $environment }   バージョン { $version }
cli-channel = チャネル { $channel }
cli-created = 作成
cli-updated = 更新 { $time }
cli-first-response = 初回応答期限 { $due }   応答 { $at }
cli-breached = 期限超過
cli-at-risk = 期限間近
cli-left = 残り
cli-conversation = やり取り：
cli-events = 履歴：
cli-history = 履歴：
cli-policy-set = ポリシーセット
cli-plan-since = このプランの開始
cli-time-zone = タイムゾーン
cli-linked = リンクされたアカウント
cli-contacts = 連絡先

role-engineer = エンジニア
role-customer = 顧客
state-running = 計測中
state-at-risk = 期限間近
state-breached = 期限超過
state-paused = 停止中
state-met = 達成
state-stopped = 停止
state-not-applicable = 対象外
cli-no-orders = 一致するオーダーはありません
cli-order = オーダー
cli-search-more = 上位 { $shown } 件を表示；さらに一致するチケットがあります（--limit N で増やせます）
cli-search-bounded = { $bound }：順位付けの上限より多くのチケットや返信が一致しました。語を足して絞り込んでください
cli-claimed = チケット { $id } を { $who } に割り当てました
cli-changed = チケット { $id }：ステータス { $status }、重大度 { $severity }、担当者 { $assignee }（バージョン { $version }）
cli-entry-added = チケット { $id } に{ $what } { $entry } を追加しました{ $n ->
    [0] {""}
   *[other] （添付 { $n } 件）
}
cli-no-attachment = チケット { $id } に添付 { $name } はありません
cli-no-attachment-has = チケット { $id } に添付 { $name } はありません（あるもの：{ $names }）
cli-attachment-dropped = 添付 #{ $id } { $name } は受信時にサイズ上限を超えていたため、名前とサイズだけを保存しています
cli-hint-limit = --limit N を使ってください
cli-hint-limit-all = --limit N か、全ステータスのチケットなら --all を使ってください
cli-showing = { $total } 件中 { $shown } 件を表示；{ $hint }
cli-order-queued = { $to } 宛てにキューに入れました（`tuidesk mail send` で送信）
cli-order-completed = オーダー { $id } を完了しました
cli-order-completed-with = オーダー { $id } を完了しました（添付：{ $files }）
cli-order-rejected = オーダー { $id } を却下しました
cli-order-rated = オーダー { $id } を評価しました：対応速度 { $speed }/5、成果物品質 { $quality }/5
cli-order-due = 期限
cli-order-closed = 終了
cli-order-requested = 依頼
cli-order-completed-at = 完了日時
cli-order-rejected-because = 却下理由
cli-order-note = メモ
cli-order-rating = 評価：対応速度 { $speed }/5、成果物品質 { $quality }/5
cli-order-feedback = フィードバック
cli-exported = { $orgs } 組織と { $tickets } 件のチケットをエクスポートしました
cli-imported = { $orgs } 組織、{ $tickets } 件のチケット、{ $entries } 件のやり取り、{ $events } 件の履歴{ $orders ->
    [0] {""}
   *[other] 、{ $orders } 件のサービスオーダー
}をインポートしました
cli-backed-up = { $from } を { $to } にバックアップしました
cli-check-ok = OK：{ $db } は整合性チェックとアプリケーションの不変条件を満たしています
cli-check-ok-server = OK：{ $db }：全文索引はすべてのチケットとエントリを含み、アプリケーションの不変条件を満たしています（ページと制約の検査はサーバー側：pg_amcheck）
cli-tpl-give-text = テンプレートの本文を --body TEXT か --file PATH（`-`：標準入力）で指定してください
cli-tpl-saved = 共有テンプレート { $name } を保存しました
cli-tpl-removed = 共有テンプレート { $name } を削除しました
cli-tpl-none = 返信テンプレートはありません（`tuidesk reply-template add NAME --file PATH` で追加）
cli-tpl-unknown = 返信テンプレート { $name } はありません（`tuidesk reply-template list` を参照）
cli-recomputed = 未完了チケット { $n } 件を再計算
cli-org-plan = { $org }：プラン { $old } → { $new }（{ $recomputed }）
cli-org-linked = { $org } を { $parent } にリンクしました（{ $recomputed }）
cli-org-unlinked = { $org } の { $parent } へのリンクを解除しました（{ $recomputed }）
cli-no-contacts = { $org }：連絡先はありません

## sla explain
sla-x-heading = チケット { $id } · { $org }（{ $tz }）
sla-x-policy = ポリシー
sla-x-policy-line = { $set } · プラン { $plan } · 重大度 { $severity } · ステータス { $status }
sla-x-retired = {" "}→ { $plan }（廃止プラン、代替プランで対応）
sla-x-opened = 作成
sla-x-resolved = 解決
sla-x-resolved-note = （この時点ですべての計測が停止）
sla-x-pauses = 停止
sla-x-none = なし
sla-x-pause = 停止
sla-x-still-pending = （顧客待ちのまま）
sla-x-rule = ルール
sla-x-pending-rule = 顧客待ちは次回応答と解決の計測を止めますが、初回応答は止めません
sla-x-breached-late = 期限超過（{ $late }）
sla-x-no-target = 目標なし：プラン { $plan } には重大度 { $severity } の目標がありません
sla-x-target = 目標
sla-x-not-paused = ；顧客待ちでも停止しない
sla-x-paused = ；顧客待ちの間は停止
sla-x-error = エラー
sla-x-due = 期限
sla-x-elapsed = 経過
sla-x-remaining = 残り
sla-x-breached = 超過
sla-x-answered = 応答
sla-x-stopped = 停止
sla-x-stopped-note = （期限前に解決：達成でも超過でもない）
sla-x-changes = 次の変化
sla-x-responded = 返信
sla-x-responded-note = （チケット解決後のため数えません）
sla-x-runs-from = 顧客の { $start } のメッセージから計測（これまで { $n } 回）
sla-x-not-running = 計測していません：初回応答の後に顧客のメッセージがありません
sla-x-earlier-breach = 以前のサイクルが { $at } に超過（事実として残ります）
sla-x-next-note = 顧客待ちでこの計測は止まります。解決でも止まります
sla-x-resolution-note = 作成から解決まで、顧客待ちの時間を除いて計測

## メール
cli-mail-triage-empty = 仕分け受信箱は空です
cli-mail-quarantine-empty = 隔離ボックスは空です
cli-mail-outbox-empty = 送信ボックスは空です
cli-mail-sent = 送信済み { $time }
cli-mail-queued-attempt = 送信待ち（{ $n } 回目の試行：{ $error }）
cli-mail-queued = 送信待ち
cli-mail-failed = 送信失敗：{ $error }
cli-merged-from = #{ $id } から

## タグとマージ
cli-tag-tags = タグ { $change }
cli-tag-already = 付与済み { $tags }
cli-tag-absent = 未付与 { $tags }
cli-tag-nothing = 変更なし
cli-tagged = チケット { $id }：{ $said }；現在のタグ：{ $tags }（バージョン { $version }）
cli-merge-tags = 、タグ { $tags }
cli-merged = チケット { $source } をチケット { $target } にマージしました：やり取り { $entries } 件、添付 { $attachments } 件{ $tags }を移動。チケット { $source } はクローズ（バージョン { $source_version }）、チケット { $target } はバージョン { $target_version }
cli-merged-into = #{ $id } にマージ済み（やり取り・添付・タグはそちらにあります）
