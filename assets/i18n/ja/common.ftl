# TUI と CLI で共通の語：列見出し、項目名、ステータス・種別・環境・チャネル・指標・並び順の名前。

col-id = ID
col-severity = 重大度
col-org = 組織
col-summary = 件名
col-status = 状態
col-assignee = 担当者
col-left = 残り

label-org = 組織
label-plan = プラン
label-kind = 種別
label-freeze = 変更凍結
label-component = 構成要素
label-assignee = 担当者
label-here = 他の人
label-requester = 依頼者
label-their-time = 顧客時刻
label-opened = 作成
label-sla = SLA
label-due = 期限

status-new = 新規
status-open = 対応中
status-pending = 顧客待ち
status-on-hold = 保留
status-resolved = 解決済み
status-closed = クローズ

kind-technical = 技術
kind-billing = 請求

env-production = 本番
env-non-production = 非本番

channel-email = メール
channel-portal = ポータル
channel-phone = 電話
channel-chat = チャット

metric-first-response = 初回応答
metric-next-response = 次回応答
metric-resolution = 解決

sort-due = 期限
sort-created = 作成日時
sort-severity = 重大度

field-status = ステータス
field-severity = 重大度
field-assignee = 担当者
field-summary = 件名
field-kind = 種別
field-component = コンポーネント
field-environment = 環境
field-version = バージョン
field-tags = タグ
field-org = 組織

left-breached = 期限超過
left-met = 達成
left-no-target = 目標なし

entry-reply = 返信
entry-note = メモ
met-late = 遅延達成 { $time }
met-late-short = 遅延 { $time }

severity-urgent = 緊急
severity-general = 一般
severity-raised-why = { $level }（{ $why }；登録時 { $filed }）
severity-raised = { $level }（登録時 { $filed }）

weekday-mon = 月
weekday-tue = 火
weekday-wed = 水
weekday-thu = 木
weekday-fri = 金
weekday-sat = 土
weekday-sun = 日
label-tags = タグ
