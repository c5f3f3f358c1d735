# レポート画面（月次サービスレポート）。

rep-title = レポート
rep-loading = レポートを読み込み中…
rep-loading-short = 読み込み中
rep-rows = { $from }–{ $to } 行（j/k）
rep-orgs = { $n } 組織
rep-first-response = 初回応答 達成 { $met }/{ $total }（{ $percent }）
rep-empty = { $month } に作成・解決されたチケットはありません。[ と ] で月を切り替え。
rep-col-org = 組織
rep-col-plan = プラン
rep-col-opened = 作成
rep-col-resolved = 解決
rep-col-met = 達成
rep-col-breached = 超過
rep-col-attain = 達成率
rep-col-median = 中央値
rep-col-p90 = P90
rep-col-next = 次回
rep-col-resol = 解決率
rep-attainment = 達成率
rep-by-plan = 初回応答の達成率 · プラン × 重大度
rep-no-targets = 今月は初回応答の目標がありません
rep-per-day = 日別達成率 % · { $month }（作成日）

## `tuidesk report monthly`（テキスト）
rpt-heading = 月次サービスレポート { $month }（作成 { $generated }）
rpt-no-orgs = 組織はありません。
rpt-plan = プラン：{ $label }（{ $plan }）   タイムゾーン：{ $tz }
rpt-period = 期間：{ $start } から { $end }（含まず）
rpt-opened = 作成：{ $opened }   解決：{ $resolved }
rpt-first-response = 初回応答（今月作成のチケット）：達成 { $met }、超過 { $breached }、計測中 { $pending }、目標なし { $none }
rpt-stopped-unanswered = 、期限前に返信なしで解決 { $n }
rpt-attainment = {"  "}達成率：{ $attainment }   中央値：{ $median }   90 パーセンタイル：{ $p90 }   （n = { $n }）
rpt-next-response = 次回応答
rpt-resolution = 解決（顧客待ち時間を除く）
rpt-target-line = { $what }：達成 { $met }、超過 { $breached }、計測中 { $pending }、目標なし { $none }{ $stopped }   達成率：{ $attainment }
rpt-stopped-by-resolution = 、解決により停止 { $n }
rpt-no-tickets = 今月作成・解決されたチケットはありません。
rpt-col-kind = 種別
rpt-col-severity = 重大度
rpt-total = 合計
rpt-tickets = チケット（時刻は { $tz }）：
rpt-col-no = 番号
rpt-col-category = 分類
rpt-col-created = 作成日時
rpt-col-resolved-at = 解決日時
rep-tags = タグ（今月作成）：{ $tags }
rpt-tags = タグ（今月作成のチケット）：{ $tags }
