# TUI 与 CLI 共用的词：列标题、字段名，以及状态、类别、环境、渠道、指标和排序方式的名称。

col-id = 编号
col-severity = 严重度
col-org = 组织
col-summary = 摘要
col-status = 状态
col-assignee = 处理人
col-left = 剩余

label-org = 组织
label-plan = 支持计划
label-kind = 类别
label-freeze = 封网
label-component = 组件
label-assignee = 处理人
label-here = 其他人
label-requester = 提交人
label-their-time = 客户时间
label-opened = 创建于
label-sla = SLA
label-due = 到期

status-new = 新建
status-open = 处理中
status-pending = 待客户
status-on-hold = 挂起
status-resolved = 已解决
status-closed = 已关闭

kind-technical = 技术
kind-billing = 账单

env-production = 生产
env-non-production = 非生产

channel-email = 邮件
channel-portal = 控制台
channel-phone = 电话
channel-chat = 即时通讯

metric-first-response = 首次响应
metric-next-response = 后续响应
metric-resolution = 解决

sort-due = 到期
sort-created = 创建时间
sort-severity = 严重程度

field-status = 状态
field-severity = 严重程度
field-assignee = 处理人
field-summary = 摘要
field-kind = 类别
field-component = 组件
field-environment = 环境
field-version = 版本
field-tags = 标签
field-org = 组织

left-breached = 已超时
left-met = 已达成
left-no-target = 无目标

entry-reply = 回复
entry-note = 备注
met-late = 超时响应 { $time }
met-late-short = 超时 { $time }

severity-urgent = 紧急
severity-general = 一般
severity-raised-why = { $level }（{ $why }；提交时为 { $filed }）
severity-raised = { $level }（提交时为 { $filed }）

weekday-mon = 周一
weekday-tue = 周二
weekday-wed = 周三
weekday-thu = 周四
weekday-fri = 周五
weekday-sat = 周六
weekday-sun = 周日
label-tags = 标签
