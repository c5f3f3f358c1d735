# ユーザーが出会うエラーを、対処できる言葉で。

err-unknown-policy-set = 不明なポリシーセット { $name }（既知：{ $known }）
err-unknown-plan = ポリシーセット { $set } にプラン { $plan } はありません（プラン：{ $known }）
err-unknown-severity = 重大度 { $severity } はポリシーセット { $set } のレベルではありません（レベル：{ $known }）
err-billing-severity = 重大度 { $severity } は請求・アカウントのチケットには使えません。より低い重大度を選んでください
err-technical-not-allowed = 組織 { $org } は { $plan } プランで技術サポートがありません。請求のチケットのみ作成できます
err-unknown-time-zone = 不明なタイムゾーン { $zone }（Asia/Shanghai や Europe/Berlin のような IANA 名を使ってください）
err-empty-summary = 件名が空です
err-summary-too-long = 件名が { $n } 文字あります。最大 { $max } 文字です
err-body-too-long = { $what }が { $n } バイトあります。最大 { $max } バイトです
err-empty-body = { $what }が空です
err-empty-org-name = 組織名が空です
err-bad-user-name = ユーザー名 { $name } は無効です（1〜64 文字、空白や制御文字は不可）
err-bad-address = { $address } はメールアドレスではありません（name@example.com。連絡先はドメイン全体を表す @example.com も可）
err-requester-too-long = 依頼者名が { $n } 文字あります。最大 200 文字です
err-not-found = { $what } { $key } はありません
err-conflict = チケット { $id } は他の人が変更しました：あなたが編集したのはバージョン { $expected } ですが、{ $by } が{ $field }を { $old } → { $new } に変更し、現在はバージョン { $actual } です。再読み込みしてやり直してください
err-claimed-by = チケット { $id } はすでに { $by } が引き受けています
err-import = インポート { $line } 行目：{ $message }。何もインポートしていません
err-newer-schema = データベースのスキーマバージョン { $found } はこの tuidesk（{ $supported }）より新しいです。tuidesk を更新してください
err-db-busy = { $context }：データベースが混み合っています（他の書き込みが長く保持）。もう一度お試しください
err-db-disk-full = { $context }：ディスクがいっぱいです
err-db-read-only = { $context }：データベースは読み取り専用です
err-db-permission = { $context }：権限がありません（{ $message }）
error-prefix = エラー

what-ticket = チケット
what-order = サービスオーダー
what-organization = 組織
what-attachment = 添付
what-contact = 連絡先
what-triage-item = 仕分けメール
what-shared-template = 共有テンプレート
what-outgoing-message = 送信待ちメール
what-quarantined-message = 隔離メール
what-description = 説明
what-conversation-entry = やり取り
what-note = メモ

err-bad-tag = タグ { $tag } は無効です：{ $why }
tag-why-control-characters-are-not-allowed = 制御文字は使えません
tag-why-it-is-empty = 空です
tag-why-spaces-are-not-allowed = 空白は使えません
tag-why-it-may-not-start-with----that-removes-a-tag- = - で始めることはできません（タグの削除になります）
tag-why-at-most-32-characters-are-allowed = 最大 32 文字です
tag-why-use-letters--digits-and---------only = 英数字と - _ . / のみ使えます
