# 报表视图（服务月报）。

rep-title = 服务月报
rep-loading = 正在加载报表…
rep-loading-short = 加载中
rep-rows = 第 { $from }–{ $to } 行（j/k）
rep-orgs = { $n } 个组织
rep-first-response = 首次响应达成 { $met }/{ $total }（{ $percent }）
rep-empty = { $month } 没有新建或解决的工单。按 [ 和 ] 切换月份。
rep-col-org = 组织
rep-col-plan = 计划
rep-col-opened = 新建
rep-col-resolved = 已解决
rep-col-met = 达成
rep-col-breached = 超时
rep-col-attain = 达成率
rep-col-median = 中位数
rep-col-p90 = P90
rep-col-next = 后续
rep-col-resol = 解决
rep-attainment = 达成率
rep-by-plan = 首次响应达成率 · 计划 × 严重程度
rep-no-targets = 本月没有首次响应目标
rep-per-day = 每日达成率 % · { $month }（按创建日）
