# 命令行的可读输出（--json、CSV 和导出不变）。

cli-paused = 已暂停 { $left }
cli-due = 到期 { $due }
cli-earlier-breach = 之前的周期曾超时
cli-organization = 组织
cli-severity-status = 严重程度 { $severity }   状态 { $status }
cli-environment-version = 环境 { $environment }   版本 { $version }
cli-channel = 渠道 { $channel }
cli-created = 创建
cli-updated = 更新 { $time }
cli-first-response = 首次响应到期 { $due }   响应于 { $at }
cli-breached = 已超时
cli-at-risk = 临近超时
cli-left = 剩余
cli-conversation = 对话：
cli-events = 操作记录：
cli-history = 历史：
cli-policy-set = 策略集
cli-plan-since = 使用此计划自
cli-time-zone = 时区
cli-linked = 关联账号
cli-contacts = 联系人

role-engineer = 工程师
role-customer = 客户
state-running = 计时中
state-at-risk = 临近超时
state-breached = 已超时
state-paused = 已暂停
state-met = 已达成
state-stopped = 已停止
state-not-applicable = 不适用
cli-no-orders = 没有匹配的服务单
cli-order = 服务单
cli-search-more = 显示最相关的 { $shown } 条；还有更多匹配的工单（--limit N 可显示更多）
cli-search-bounded = { $bound }：匹配的工单或回复多于排序上限；请添加关键词缩小范围
cli-claimed = 工单 { $id } 已分配给 { $who }
cli-changed = 工单 { $id }：状态 { $status }，严重程度 { $severity }，处理人 { $assignee }（版本 { $version }）
cli-entry-added = 已为工单 { $id } 添加{ $what } { $entry }{ $n ->
    [0] {""}
   *[other] ，含 { $n } 个附件
}
cli-no-attachment = 工单 { $id } 没有附件 { $name }
cli-no-attachment-has = 工单 { $id } 没有附件 { $name }（现有：{ $names }）
cli-attachment-dropped = 附件 #{ $id } { $name } 收到时超过大小上限：只保留了名称和大小
cli-hint-limit = 使用 --limit N
cli-hint-limit-all = 使用 --limit N，或用 --all 列出所有状态的工单
cli-showing = 显示 { $total } 个工单中的 { $shown } 个；{ $hint }
cli-order-queued = 已排队发给 { $to }（用 `tuidesk mail send` 发送）
cli-order-completed = 服务单 { $id } 已完成
cli-order-completed-with = 服务单 { $id } 已完成，交付件：{ $files }
cli-order-rejected = 服务单 { $id } 已驳回
cli-order-rated = 服务单 { $id } 已评价：响应速度 { $speed }/5，交付质量 { $quality }/5
cli-order-due = 期限
cli-order-closed = 已结束
cli-order-requested = 申请
cli-order-completed-at = 完成时间
cli-order-rejected-because = 驳回原因
cli-order-note = 备注
cli-order-rating = 评价：响应速度 { $speed }/5，交付质量 { $quality }/5
cli-order-feedback = 评价意见
cli-exported = 已导出 { $orgs } 个组织和 { $tickets } 个工单
cli-imported = 已导入 { $orgs } 个组织、{ $tickets } 个工单、{ $entries } 条对话、{ $events } 条操作记录{ $orders ->
    [0] {""}
   *[other] 、{ $orders } 个服务单
}
cli-backed-up = 已将 { $from } 备份到 { $to }
cli-check-ok = 正常：{ $db } 通过完整性检查和应用不变量检查
cli-check-ok-server = 正常：{ $db }：全文索引覆盖所有工单和条目，应用不变量检查通过（页面和约束由服务器检查：pg_amcheck）
cli-tpl-give-text = 请用 --body TEXT 或 --file PATH（`-`：标准输入）给出模板内容
cli-tpl-saved = 已保存共享模板 { $name }
cli-tpl-removed = 已删除共享模板 { $name }
cli-tpl-none = 没有回复模板（用 `tuidesk reply-template add NAME --file PATH` 添加）
cli-tpl-unknown = 没有回复模板 { $name }（见 `tuidesk reply-template list`）
cli-recomputed = 重新计算了 { $n } 个未结工单
cli-org-plan = { $org }：支持计划 { $old } → { $new }（{ $recomputed }）
cli-org-linked = { $org } 已关联到 { $parent }（{ $recomputed }）
cli-org-unlinked = { $org } 已取消与 { $parent } 的关联（{ $recomputed }）
cli-no-contacts = { $org }：没有联系人

## sla explain
sla-x-heading = 工单 { $id } · { $org }（{ $tz }）
sla-x-policy = 策略
sla-x-policy-line = { $set } · 计划 { $plan } · 严重程度 { $severity } · 状态 { $status }
sla-x-retired = {" "}→ { $plan }（计划已停用，按其后备计划服务）
sla-x-opened = 创建
sla-x-resolved = 解决
sla-x-resolved-note = （所有计时在此停止）
sla-x-pauses = 暂停
sla-x-none = 无
sla-x-pause = 暂停
sla-x-still-pending = （仍在等待客户）
sla-x-rule = 规则
sla-x-pending-rule = 待客户会暂停后续响应和解决计时，但不暂停首次响应
sla-x-breached-late = 已超时（{ $late }）
sla-x-no-target = 无目标：计划 { $plan } 对严重程度 { $severity } 没有目标
sla-x-target = 目标
sla-x-not-paused = ；不因待客户暂停
sla-x-paused = ；待客户时暂停
sla-x-error = 错误
sla-x-due = 到期
sla-x-elapsed = 已用
sla-x-remaining = 剩余
sla-x-breached = 超时于
sla-x-answered = 响应于
sla-x-stopped = 停止于
sla-x-stopped-note = （到期前已解决：既未达成也未超时）
sla-x-changes = 下次变化
sla-x-responded = 回复于
sla-x-responded-note = （在工单解决之后：不计入）
sla-x-runs-from = 从客户 { $start } 的消息开始计时（目前共 { $n } 轮）
sla-x-not-running = 未计时：首次响应之后没有客户消息
sla-x-earlier-breach = 之前的一轮于 { $at } 超时（此事实保留）
sla-x-next-note = 待客户会停止此计时；解决也会停止它
sla-x-resolution-note = 从创建到解决计时，扣除待客户时间

## 邮件
cli-mail-triage-empty = 分拣收件箱为空
cli-mail-quarantine-empty = 隔离区为空
cli-mail-outbox-empty = 发件箱为空
cli-mail-sent = 已发送 { $time }
cli-mail-queued-attempt = 排队中（第 { $n } 次尝试：{ $error }）
cli-mail-queued = 排队中
cli-mail-failed = 发送失败：{ $error }
cli-merged-from = 来自 #{ $id }

## 标签与合并
cli-tag-tags = 标签 { $change }
cli-tag-already = 已有标签 { $tags }
cli-tag-absent = 原本没有标签 { $tags }
cli-tag-nothing = 没有变化
cli-tagged = 工单 { $id }：{ $said }；当前标签：{ $tags }（版本 { $version }）
cli-merge-tags = 、标签 { $tags }
cli-merged = 工单 { $source } 已合并到工单 { $target }：移动了 { $entries } 条对话、{ $attachments } 个附件{ $tags }；工单 { $source } 已关闭（版本 { $source_version }），工单 { $target } 现为版本 { $target_version }
cli-merged-into = 已合并到 #{ $id }（对话、附件和标签都在那里）
