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

## `tuidesk report monthly`（文本）
rpt-heading = 服务月报 { $month }（生成于 { $generated }）
rpt-no-orgs = 没有组织。
rpt-plan = 支持计划：{ $label }（{ $plan }）   时区：{ $tz }
rpt-period = 统计周期：{ $start } 至 { $end }（不含）
rpt-opened = 新建：{ $opened }   已解决：{ $resolved }
rpt-first-response = 首次响应（本月新建的工单）：达成 { $met }，超时 { $breached }，进行中 { $pending }，无目标 { $none }
rpt-stopped-unanswered = ，{ $n } 个在到期前未回复即已解决
rpt-attainment = {"  "}达成率：{ $attainment }   中位数：{ $median }   90 分位：{ $p90 }   （n = { $n }）
rpt-next-response = 后续响应
rpt-resolution = 解决（扣除待客户时间）
rpt-target-line = { $what }：达成 { $met }，超时 { $breached }，进行中 { $pending }，无目标 { $none }{ $stopped }   达成率：{ $attainment }
rpt-stopped-by-resolution = ，{ $n } 个因解决而停止
rpt-no-tickets = 本月没有新建或解决的工单。
rpt-col-kind = 类别
rpt-col-severity = 严重程度
rpt-total = 合计
rpt-tickets = 工单（时间为 { $tz }）：
rpt-col-no = 编号
rpt-col-category = 类别
rpt-col-created = 创建时间
rpt-col-resolved-at = 解决时间
rep-tags = 标签（本月新建）：{ $tags }
rpt-tags = 标签（本月新建的工单）：{ $tags }
