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
