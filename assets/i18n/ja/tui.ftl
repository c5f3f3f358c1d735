# 端末画面：ペイン、ポップアップ、フォーム、フッターの案内。

tui-too-small = tuidesk には { $min_w }×{ $min_h } 以上が必要です（この端末は { $w }×{ $h }）。広げるか、q で終了してください。

## エディター
tui-editor-reply = 顧客への公開返信
tui-editor-note = 内部メモ（顧客には見えません）
tui-editor-discard = この文章を破棄しますか？ y = 破棄、他のキー = 編集を続ける
tui-editor-restored = 下書きを復元
tui-editor-last-message = 顧客の最新メッセージ
tui-editor-description = 顧客の記述（説明）

## ヘッダー
tui-header-open = 未完了 { $n }
tui-header-at-risk = 期限間近 { $n }
tui-header-breached = 期限超過 { $n }
tui-header-reconnecting = 再接続中…

## キュー
tui-queue-title = キュー
tui-queue-search = 検索「{ $query }」
tui-queue-filter-sort = { $filter } · { $sort }順
tui-queue-total = 全 { $n } 件
tui-queue-marked = { $n } 件選択
tui-queue-shown = { $n } 件表示
tui-queue-no-match = 一致するチケットはありません。Esc でキューに戻ります。
tui-queue-empty = チケットはありません。n で新規作成、f で絞り込みを変更。
tui-unassigned = 未割り当て

## 詳細
tui-detail-title = 詳細
tui-detail-select = チケットを選択してください。
tui-detail-writing = { $who } が返信中
tui-detail-viewing = { $who } が閲覧中
tui-detail-follows = #{ $id } の続き
tui-detail-your-time = あなたの時刻 { $time }
tui-detail-draft-reply = 未送信の返信の下書きあり — { $key } で続ける
tui-detail-draft-note = 未送信のメモの下書きあり — { $key } で続ける
tui-detail-attachment = 添付
tui-detail-conversation = やり取り（{ $n }）
tui-detail-events = 履歴
tui-entry-note = 内部メモ
tui-entry-customer = 顧客
tui-entry-reply = 返信
tui-event-script = （スクリプト）
tui-event-imported = （インポート）
tui-event-reply = 顧客に返信
tui-event-note = 内部メモを追加
tui-event-created = 作成（{ $value }）
tui-event-first-response = 初回応答済み

## SLA
tui-sla-breached = 期限超過 { $left }
tui-sla-at-risk = 期限間近、残り { $left }
tui-sla-running = 残り { $left }
tui-sla-paused = 停止中、残り { $left }（顧客待ち）
tui-sla-met-late = 初回応答 { $late }（超過後に応答）
tui-sla-met = 初回応答 達成
tui-sla-no-target = このプランに SLA 目標なし
tui-sla-pane-breached = 期限超過 { $n }
tui-sla-pane-empty = 進行中の目標はありません。
tui-sla-biz = 営業時間 { $time }

## フッター
tui-search-hint = Enter 検索 · Esc 取消
tui-assign-prompt = #{ $id } { $summary } の担当者：
tui-assign-hint-new = （ここで未登場の名前）· Enter 割り当て · - 解除 · Esc 取消
tui-assign-hint = Tab：{ $names } · Enter 割り当て · - 解除 · Esc 取消
tui-quit-question = 終了しますか？
tui-any-other-key = 他のキー

## ヘルプとコマンドパレット
tui-help-title = ヘルプ · Esc で閉じる
tui-help-heading = キー（あなたの割り当て。config.toml の [keys] で変更）
tui-help-editor = エディター：Ctrl-S 送信 · Ctrl-T 返信テンプレート挿入 · Ctrl-E $EDITOR で作成 · Esc か Ctrl-C で取消（破棄の前に確認）
tui-help-states = 状態：! 期限間近 · ‼ 期限超過 · ⏸ 停止中 · ✓ 達成 · 時刻はタイムゾーン付き
tui-palette-open = Enter：チケット #{ $id } を開く
tui-palette-number = チケット番号を入力して Enter

## ポップアップ
tui-writing-title = 返信中の人がいます
tui-writing-question = { $who } が今 #{ $id } に返信を書いています。
tui-writing-nothing-locked = ロックはしません：両方の返信が顧客に届きます。
tui-writing-answer = それでも返信   他のキー：取消
tui-save-title = #{ $id } の添付を保存
tui-save-to = 保存先
tui-save-not-kept = （未保存：サイズ上限超過）
tui-bulk-title = 一括変更
tui-bulk-apply = それぞれに適用
tui-bulk-note = チケットごとに監査記録を 1 件；他のキーで取消
tui-picker-not-for-kind = （この種別には使えません）

## 新規チケット
tui-form-title = 新規チケット · Tab 次の項目 · ←/→ 選択 · Ctrl-S 作成 · Esc 取消
tui-form-discard = このチケットを破棄しますか？ y = 破棄、他のキー = 編集を続ける
tui-form-no-orgs = （組織がありません）
tui-form-not-for-kind = （{ $kind }では不可：{ $levels }）

## メッセージ
app-still-here = 続けます
app-searching = 検索中…（Esc で取消）
app-external-editor-done = エディターの文章を取り込みました。Ctrl-S で送信、下書き保存済み
app-external-editor-failed = 外部エディターが失敗しました：{ $why }
app-no-hits = 該当なし
app-hit = { $n } 件中 { $i } 件目
app-hit-wrapped = { $n } 件中 { $i } 件目（先頭から）
app-copied = クリップボードにコピーしました：{ $line }
app-sorted = { $sort }順に並べ替え
app-status-of = #{ $id } { $summary } のステータス
app-severity-of = #{ $id } { $summary } の重大度
app-severities-loading = 重大度を読み込み中です。もう一度お試しください
app-still-saving = 変更を保存中です
app-draft-on = #{ $id } の{ $kind }
app-unsent-drafts = { $n ->
   *[other] 未送信の下書き：{ $drafts }（次回まで保持）
}
app-still-loading = #{ $id } を読み込み中です。もう一度お試しください
app-no-ticket = チケットが選択されていません
app-draft-discarded = 下書きを破棄しました
app-nothing-to-send = 送信する内容がありません：本文が空です
app-fix-fields = 赤い項目を先に直してください
app-no-match = { $query } に一致するチケットはありません
app-hits = { $n } 件ヒット；{ $next } / { $prev } で移動、Esc で検索終了
app-hits-more = 先頭 { $n } 件を表示（さらに一致あり、語を絞ってください）；{ $next } / { $prev } で移動、Esc で終了
app-hits-bounded = { $n } 件ヒット、{ $bound }；{ $next } / { $prev } で移動、Esc で終了
app-draft-restored = 未送信の下書きを復元しました
app-error-offline = { $message } — データベースに再接続中。文章は保持されています。復帰後にもう一度お試しください
app-offline = データベースに接続できません — 再接続中。未送信の文章は保持されています
app-reconnected = データベースに再接続し、再読み込みしました
app-ticket-changed = #{ $id } は開いている間に変更されました：現在 { $status } · { $severity } · { $assignee }
app-customer-answered = { $n ->
   *[other] 顧客があなたのチケット { $list } に返信しました
}
app-notify-breached = #{ $id } 期限超過 · { $severity } { $org } · { $summary }
search-bound = 最新 { $n } 件の一致のみ順位付け

## 絞り込み
filter-title = 絞り込み（現在：{ $filter }）
filter-clear = すべての絞り込みを解除
filter-mine = 自分
filter-unassigned = 未割り当て
filter-breached = 期限超過
filter-status = ステータス：{ $status }
filter-active-default = 未完了（既定）
filter-all = すべて
filter-severity = 重大度：{ $severity }
filter-org = 組織：{ $org }
filter-assignee = 担当者：{ $who }
filter-all-statuses = 全ステータス
filter-active = 未完了
filter-org-id = 組織 { $id }

## 新規チケットの項目
form-org = 組織
form-kind = 種別
form-severity = 重大度
form-summary = 件名
form-description = 説明
form-component = 構成要素
form-environment = 環境
form-version = バージョン
form-no-org = 組織がまだありません：`tuidesk org add` で追加してください

## 一括変更
bulk-set-status = ステータスを{ $status }に設定
bulk-set-severity = 重大度を { $severity } に設定
bulk-assign = { $who } に割り当て
bulk-unassign = 割り当て解除
bulk-question = マークした { $n } 件のチケットに「{ $what }」を行いますか？
bulk-marks-cleared = マークを解除しました
bulk-none-marked = マークしたチケットはありません
bulk-marked = { $n } 件マーク · a 割当 · t 状態 · e 重大度 · Esc 解除
bulk-n-marked = マークした { $n } 件
bulk-status-of = マークした { $n } 件のステータス
bulk-severity-of = マークした { $n } 件の重大度
bulk-mixed-sets = マークしたチケットは重大度の尺度（ポリシーセット）が異なります。同じセットのチケットだけをマークしてください
bulk-cancelled = 一括変更を取り消しました。マークはそのままです
bulk-changing = { $n } 件を変更中…
bulk-changed = { $n } 件を変更しました
bulk-changed-one-refused = { $n } 件を変更、#{ $id } は拒否：{ $why }（マークは維持）
bulk-changed-refused = { $n } 件を変更、{ $refused } 件は拒否（マーク維持：{ $ids }）

## メールと重点保障
freeze-text = 変更凍結：重点保障 L{ $level }（{ $end } まで）
mail-auto = 自動返信/バウンス、時間計測の対象外（{ $why }）
mail-queued-retrying = メール送信待ち、再試行中：{ $error }
mail-queued = メール送信待ち
mail-sent-at = メール送信済み { $time }
mail-sent = メール送信済み
mail-failed = メール送信失敗：{ $error }
mail-attachment-dropped = { $name }（{ $size }）は破棄：サイズ上限超過

## 仕分け画面
tri-title = 仕分け · { $n } 件待ち
tri-empty = 仕分けるものはありません：すべてのメールがチケットに届きました。不明な送信者のメールはここで待ちます。
tri-loading = 仕分け受信箱を読み込み中…
tri-col-received = 受信
tri-col-from = 送信者
tri-col-subject = 件名
tri-message = メール
tri-hint = F で選択したメールを組織に登録、D で破棄します。
tri-message-item = メール · 仕分け項目 { $id }
tri-label-from = 送信者
tri-label-subject = 件名
tri-label-received = 受信
tri-label-auto = 自動
tri-file-title = 仕分け項目 { $id } を登録 · Tab 次 · ←/→ 選択 · Enter 登録 · Esc 取消
tri-severity-auto = 件名とポリシーに従う
tri-file-note = Enter でチケットを作成します。送信者が依頼者になります。
tri-discard-title = 仕分け項目 { $id } を破棄 · 理由（必須）· Enter 破棄 · Esc 取消

## 返信テンプレート
tpl-title = 返信テンプレート · #{ $id }
tpl-filter = 絞込
tpl-yours = 個人
tpl-shared = 共有
tpl-no-match = 一致するテンプレート名はありません

## 書き込み後のメッセージ
w-claimed = #{ $id } を引き受けました
w-changed = #{ $id }：{ $status } · { $severity } · { $assignee }
w-reply-sent = #{ $id } に返信しました
w-note-added = #{ $id } にメモを追加しました
w-opened = #{ $id } を作成しました
w-order-requested = オーダー #{ $id } を依頼しました
w-order-requested-note = オーダー #{ $id } を依頼しました。注意：{ $note }
w-order-completed = オーダー #{ $id } を完了しました
w-order-completed-report = オーダー #{ $id } を月次レポート付きで完了しました
w-order-rejected = オーダー #{ $id } を却下しました
w-order-rated = オーダー #{ $id } を評価しました ★{ $speed } ★{ $quality }
w-triage-filed = 仕分け項目 { $item } を { $org } のチケット #{ $id } として登録しました
w-triage-discarded = 仕分け項目 { $item } を破棄しました
w-save-exists = { $path } はすでに存在します。別のパスを入力してください
w-save-failed = { $path } に書き込めません：{ $error }
w-saved = { $name }（{ $size } バイト）を { $path } に保存しました

## 添付、テンプレート、仕分け、在席
app-no-attachments = #{ $id } に添付はありません
app-save-where = 保存先を入力してください
app-saving = { $name } を保存中…
app-save-dropped = { $name } はサイズ上限を超えていたため、名前とサイズだけを保存しています
app-reply-not-started = 返信は開始していません
tpl-error = 返信テンプレート：{ $error }
tpl-none = 返信テンプレートがありません：config.toml と同じ場所の replies/ に NAME.md を置くか、`tuidesk reply-template add` を使ってください
tpl-no-match-backspace = 一致するテンプレートはありません。Backspace で検索を広げます
tpl-not-loaded = チケット #{ $id } は読み込まれていません。もう一度お試しください
tpl-failed = テンプレート { $name }：{ $error }。何も挿入していません
tpl-inserted = テンプレート { $name } を挿入しました
tri-actions-elsewhere = 仕分け操作は仕分け画面（m）で行います
tri-no-org = 仕分け項目 { $id } を登録する組織がありません：`tuidesk org add` で追加してください
tri-nothing = 仕分け受信箱に待ちはありません
tri-choose-org = 先に組織を選んでください
tri-say-why = 破棄する理由を入力してください（スパム、誤送信など）
app-unknown-assignee = { $who } という人はまだここでチケットを扱っていません。もう一度 Enter で割り当て、Tab で補完

## タグとマージ
tm-no-tags = タグを入力：bug か +bug で追加、-bug で削除
tm-not-with-marks = マージは 1 件のチケットが対象です。先に Esc でマークを解除してください
tm-merge-cancelled = マージを取り消しました
tm-tag-title = タグ
tm-tag-hint = bug か +bug で追加、-bug で削除
tm-tag-now = 現在：
tm-merge-title = マージ先のチケット # · Enter 次へ · Esc 取消
tm-confirm-title = チケットのマージ
tm-confirm-key = マージ
tm-confirm-hint = やり取り・添付・タグが移動し、元のチケットはクローズされます。他のキーで取消
tm-not-loaded = （表示中の一覧にありません）
tm-merged-into = マージ先
tm-from = 元
tm-filter-item = タグ：{ $tag }
tm-filter-item-on = タグ：{ $tag }（適用中：Enter で解除）
tm-filter-label = タグ { $tag }
tm-merged-already = #{ $id } は #{ $into } にマージ済みです。#{ $into } で作業してください
tm-bad-number = { $input } はチケット番号ではありません
tm-into-itself = #{ $id } を自分自身にはマージできません
tm-merging = #{ $source } を #{ $target } にマージ中…
tm-question = #{ $source } を #{ $target } にマージしますか？
tm-bulk-tags = マークした { $n } 件にタグ { $ops } を付けますか？
tm-tags-unchanged = #{ $id }：タグは変わりません
tm-tags-changed = #{ $id }：タグ { $change }
tm-already = {" "}（付与済み：{ $tags }）
tm-absent = {" "}（未付与：{ $tags }）
tm-merged = #{ $source } を #{ $target } にマージしました：やり取り { $entries } 件、添付 { $attachments } 件を移動。#{ $source } はクローズ

## 取り消し期間
undo-reply-to = #{ $id } への返信
undo-close = #{ $id } をクローズ
undo-resolve = #{ $id } を解決
undo-assign = #{ $id } を { $who } に割り当て
undo-unassign = #{ $id } の割り当て解除
undo-sends-now = 送信中…
undo-applies-now = 適用中…
undo-sends-in = { $n } 秒後に送信
undo-applies-in = { $n } 秒後に適用
undo-sends-soon = まもなく送信
undo-applies-soon = まもなく適用
undo-key = { $key } 取消
undo-assigned = #{ $id } を { $who } に割り当てました
undo-unassigned = #{ $id } の割り当てを解除しました
undo-reply-refused = #{ $id } への返信は送信されませんでした：{ $error } — 本文は下書きとして保存（r で開く）
undo-refused = { $what } は適用されませんでした：{ $error }
undo-deferred-key = { $what } は保留中：{ $key } で取り消し
undo-deferred = { $what } は保留中
undo-undone-reply-back = 取り消しました：#{ $id } への返信は送信せず、本文を戻しました
undo-undone-reply-draft = 取り消しました：#{ $id } への返信は送信せず、本文は下書きです（r で開く）
undo-undone = 取り消しました：{ $what }
undo-nothing = 取り消すものはありません
undo-too-late = 取り消すには遅すぎます：すでに適用されました
undo-quit-reason = { $what } が待機中：y で今すぐ適用して終了
undo-more = ほか { $n } 件
