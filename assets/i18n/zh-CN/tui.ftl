# 终端界面：窗格、弹窗、表单、底栏提示。

tui-too-small = tuidesk 至少需要 { $min_w }×{ $min_h }，当前终端为 { $w }×{ $h }。请放大窗口，或按 q 退出。

## 编辑器
tui-editor-reply = 公开回复（客户可见）
tui-editor-note = 内部备注（客户不可见）
tui-editor-discard = 放弃这段文字？y = 放弃，其他键 = 继续编辑
tui-editor-restored = 已恢复草稿
tui-editor-last-message = 客户最新消息
tui-editor-description = 客户描述

## 标题栏
tui-header-open = 未结 { $n }
tui-header-at-risk = { $n } 临近超时
tui-header-breached = { $n } 已超时
tui-header-reconnecting = 正在重连…

## 队列
tui-queue-title = 工单队列
tui-queue-search = 搜索“{ $query }”
tui-queue-filter-sort = { $filter } · 按{ $sort }
tui-queue-total = 共 { $n } 条
tui-queue-marked = 已选 { $n }
tui-queue-shown = 显示 { $n } 条
tui-queue-no-match = 没有匹配的工单。按 Esc 返回队列。
tui-queue-empty = 这里没有工单。按 n 新建，按 f 更改筛选。
tui-unassigned = 未分配

## 详情
tui-detail-title = 详情
tui-detail-select = 请选择一个工单。
tui-detail-writing = { $who } 正在回复
tui-detail-viewing = { $who } 正在查看
tui-detail-follows = 接续 #{ $id }
tui-detail-your-time = 您的时间 { $time }
tui-detail-draft-reply = 有未发送的回复草稿 — 按 { $key } 继续
tui-detail-draft-note = 有未发送的备注草稿 — 按 { $key } 继续
tui-detail-attachment = 附件
tui-detail-conversation = 对话（{ $n }）
tui-detail-events = 操作记录
tui-entry-note = 内部备注
tui-entry-customer = 客户
tui-entry-reply = 回复
tui-event-script = （脚本）
tui-event-imported = （导入）
tui-event-reply = 回复了客户
tui-event-note = 添加了内部备注
tui-event-created = 创建了工单（{ $value }）
tui-event-first-response = 已首次响应

## SLA
tui-sla-breached = 已超时 { $left }
tui-sla-at-risk = 临近超时，剩余 { $left }
tui-sla-running = 剩余 { $left }
tui-sla-paused = 已暂停，剩余 { $left }（等待客户）
tui-sla-met-late = 首次响应 { $late }（超时后已响应）
tui-sla-met = 首次响应已达成
tui-sla-no-target = 此支持计划无 SLA 目标
tui-sla-pane-breached = { $n } 已超时
tui-sla-pane-empty = 没有进行中的目标。
tui-sla-biz = 工作时间 { $time }

## 底栏提示
tui-search-hint = Enter 搜索 · Esc 取消
tui-assign-prompt = 将 #{ $id } { $summary } 分配给：
tui-assign-hint-new = （此处未出现过的名字）· Enter 分配 · - 取消分配 · Esc 取消
tui-assign-hint = Tab：{ $names } · Enter 分配 · - 取消分配 · Esc 取消
tui-quit-question = 退出？
tui-any-other-key = 其他键

## 帮助与命令面板
tui-help-title = 帮助 · Esc 关闭
tui-help-heading = 按键（您的绑定；在 config.toml 的 [keys] 中修改）
tui-help-editor = 编辑器：Ctrl-S 发送 · Ctrl-T 插入回复模板 · Ctrl-E 用 $EDITOR 编写 · Esc 或 Ctrl-C 取消（放弃文字前会询问）
tui-help-states = 状态：! 临近超时 · ‼ 已超时 · ⏸ 已暂停 · ✓ 已达成 · 时间均标明时区
tui-palette-open = Enter：打开工单 #{ $id }
tui-palette-number = 输入工单编号，然后按 Enter

## 弹窗
tui-writing-title = 有人正在回复
tui-writing-question = { $who } 正在回复 #{ $id }。
tui-writing-nothing-locked = 不会加锁：两条回复都会发给客户。
tui-writing-answer = 仍然回复   其他键：取消
tui-save-title = 保存 #{ $id } 的附件
tui-save-to = 保存到
tui-save-not-kept = （未保存：超过大小上限）
tui-bulk-title = 批量修改
tui-bulk-apply = 逐个应用
tui-bulk-note = 每个工单一条审计记录；其他键取消
tui-picker-not-for-kind = （不适用于此类工单）

## 新建工单
tui-form-title = 新建工单 · Tab 下一项 · ←/→ 选择 · Ctrl-S 创建 · Esc 取消
tui-form-discard = 放弃这个工单？y = 放弃，其他键 = 继续编辑
tui-form-no-orgs = （没有组织）
tui-form-not-for-kind = （{ $kind }不可用：{ $levels }）

## 提示消息
app-still-here = 继续使用
app-searching = 正在搜索…（Esc 取消）
app-external-editor-done = 已取回编辑器中的文字；Ctrl-S 发送，草稿已保存
app-external-editor-failed = 外部编辑器出错：{ $why }
app-no-hits = 没有结果
app-hit = 第 { $i } 个，共 { $n } 个
app-hit-wrapped = 第 { $i } 个，共 { $n } 个（回到开头）
app-copied = 已复制到剪贴板：{ $line }
app-sorted = 按{ $sort }排序
app-status-of = #{ $id } { $summary } 的状态
app-severity-of = #{ $id } { $summary } 的严重程度
app-severities-loading = 严重程度仍在加载，请重试
app-still-saving = 仍有修改正在保存
app-draft-on = #{ $id } 的{ $kind }
app-unsent-drafts = { $n ->
   *[other] 未发送的草稿：{ $drafts }（下次仍保留）
}
app-still-loading = #{ $id } 仍在加载，请重试
app-no-ticket = 未选择工单
app-draft-discarded = 已放弃草稿
app-nothing-to-send = 没有可发送的内容：文字为空
app-fix-fields = 请先修正标红的字段
app-no-match = 没有与 { $query } 匹配的工单
app-hits = { $n } 个结果；{ $next } / { $prev } 逐个查看，Esc 结束搜索
app-hits-more = 显示前 { $n } 个结果（还有更多匹配，请细化关键词）；{ $next } / { $prev } 切换，Esc 结束
app-hits-bounded = { $n } 个结果，{ $bound }；{ $next } / { $prev } 切换，Esc 结束
app-draft-restored = 已恢复未发送的草稿
app-error-offline = { $message } — 正在重连数据库；文字已保留，恢复后请重试
app-offline = 无法连接数据库 — 正在重连；未发送的文字已保留
app-reconnected = 已重新连接数据库并重新加载
app-ticket-changed = #{ $id } 在此期间已更改：现为 { $status } · { $severity } · { $assignee }
app-customer-answered = { $n ->
   *[other] 客户回复了您的工单 { $list }
}
app-notify-breached = #{ $id } 已超时 · { $severity } { $org } · { $summary }
search-bound = 仅对最新 { $n } 条匹配排序

## 筛选
filter-title = 筛选（当前：{ $filter }）
filter-clear = 清除所有筛选
filter-mine = 我的
filter-unassigned = 未分配
filter-breached = 已超时
filter-status = 状态：{ $status }
filter-active-default = 未结（默认）
filter-all = 全部
filter-severity = 严重程度：{ $severity }
filter-org = 组织：{ $org }
filter-assignee = 处理人：{ $who }
filter-all-statuses = 全部状态
filter-active = 未结
filter-org-id = 组织 { $id }

## 新建工单字段
form-org = 组织
form-kind = 类别
form-severity = 严重程度
form-summary = 摘要
form-description = 描述
form-component = 组件
form-environment = 环境
form-version = 版本
form-no-org = 还没有组织：用 `tuidesk org add` 添加

## 批量修改
bulk-set-status = 将状态设为{ $status }
bulk-set-severity = 将严重程度设为 { $severity }
bulk-assign = 分配给 { $who }
bulk-unassign = 取消分配
bulk-question = 对 { $n } 个已标记工单{ $what }？
bulk-marks-cleared = 已清除标记
bulk-none-marked = 没有已标记的工单
bulk-marked = 已标记 { $n } · a 分配 · t 状态 · e 严重程度 · Esc 清除
bulk-n-marked = { $n } 个已标记工单
bulk-status-of = { $n } 个已标记工单的状态
bulk-severity-of = { $n } 个已标记工单的严重程度
bulk-mixed-sets = 已标记的工单使用不同的严重程度等级（策略集）；请只标记同一策略集的工单
bulk-cancelled = 已取消批量修改；标记保留
bulk-changing = 正在修改 { $n } 个工单…
bulk-changed = 已修改 { $n } 个工单
bulk-changed-one-refused = 已修改 { $n } 个，#{ $id } 被拒绝：{ $why }（仍保持标记）
bulk-changed-refused = 已修改 { $n } 个，{ $refused } 个被拒绝（仍保持标记：{ $ids }）

## 邮件与重保
freeze-text = 封网：重保 L{ $level }，至 { $end }
mail-auto = 自动回复/退信，不计入时限（{ $why }）
mail-queued-retrying = 邮件排队中，正在重试：{ $error }
mail-queued = 邮件排队中
mail-sent-at = 邮件已发送 { $time }
mail-sent = 邮件已发送
mail-failed = 邮件发送失败：{ $error }
mail-attachment-dropped = { $name }（{ $size }）已丢弃：超过大小上限

## 分拣视图
tri-title = 分拣 · { $n } 封待处理
tri-empty = 没有待分拣的邮件：每封邮件都已找到工单。未知发件人的邮件会在这里等待。
tri-loading = 正在加载分拣收件箱…
tri-col-received = 收到时间
tri-col-from = 发件人
tri-col-subject = 主题
tri-message = 邮件
tri-hint = 按 F 将所选邮件归入某个组织，按 D 丢弃。
tri-message-item = 邮件 · 分拣项 { $id }
tri-label-from = 发件人
tri-label-subject = 主题
tri-label-received = 收到
tri-label-auto = 自动
tri-file-title = 归档分拣项 { $id } · Tab 下一项 · ←/→ 选择 · Enter 归档 · Esc 取消
tri-severity-auto = 按主题和策略判断
tri-file-note = 按 Enter 为它新建工单；发件人成为提交人。
tri-discard-title = 丢弃分拣项 { $id } · 原因（必填）· Enter 丢弃 · Esc 取消

## 回复模板
tpl-title = 回复模板 · #{ $id }
tpl-filter = 筛选
tpl-yours = 个人
tpl-shared = 共享
tpl-no-match = 没有匹配的模板名

## 写入后的提示
w-claimed = #{ $id } 已分配给您
w-changed = #{ $id }：{ $status } · { $severity } · { $assignee }
w-reply-sent = 已回复 #{ $id }
w-note-added = 已为 #{ $id } 添加备注
w-opened = 已创建 #{ $id }
w-order-requested = 已申请服务单 #{ $id }
w-order-requested-note = 已申请服务单 #{ $id }；注意：{ $note }
w-order-completed = 服务单 #{ $id } 已完成
w-order-completed-report = 服务单 #{ $id } 已完成，并附上服务月报
w-order-rejected = 服务单 #{ $id } 已驳回
w-order-rated = 服务单 #{ $id } 已评价 ★{ $speed } ★{ $quality }
w-triage-filed = 分拣项 { $item } 已归入 { $org }，工单 #{ $id }
w-triage-discarded = 分拣项 { $item } 已丢弃
w-save-exists = { $path } 已存在；请输入其他路径
w-save-failed = 无法写入 { $path }：{ $error }
w-saved = 已将 { $name }（{ $size } 字节）保存到 { $path }

## 附件、模板、分拣、在线状态
app-no-attachments = #{ $id } 没有附件
app-save-where = 请输入保存位置
app-saving = 正在保存 { $name }…
app-save-dropped = { $name } 超过大小上限：只保留了名称和大小
app-reply-not-started = 未开始回复
tpl-error = 回复模板：{ $error }
tpl-none = 没有回复模板：在 config.toml 旁的 replies/ 中放入 NAME.md 文件，或使用 `tuidesk reply-template add`
tpl-no-match-backspace = 没有匹配的模板；按 Backspace 放宽搜索
tpl-not-loaded = 工单 #{ $id } 尚未加载，请重试
tpl-failed = 模板 { $name }：{ $error }；未插入任何内容
tpl-inserted = 已插入模板 { $name }
tri-actions-elsewhere = 分拣操作需在分拣视图中进行（m）
tri-no-org = 没有可归入分拣项 { $id } 的组织：用 `tuidesk org add` 添加
tri-nothing = 分拣收件箱中没有待处理的邮件
tri-choose-org = 请先选择组织
tri-say-why = 请说明丢弃原因（垃圾邮件、误投……）
app-unknown-assignee = 这里还没有名为 { $who } 的人处理过工单；再按 Enter 仍然分配，按 Tab 补全

## 标签与合并
tm-no-tags = 输入标签：bug 或 +bug 添加，-bug 移除
tm-not-with-marks = 合并只针对一个工单；请先按 Esc 清除标记
tm-merge-cancelled = 已取消合并
tm-tag-title = 标签
tm-tag-hint = bug 或 +bug 添加，-bug 移除
tm-tag-now = 当前：
tm-merge-title = 合并到工单 # · Enter 下一步 · Esc 取消
tm-confirm-title = 合并工单
tm-confirm-key = 合并
tm-confirm-hint = 对话、附件和标签将移过去；源工单将关闭；其他键取消
tm-not-loaded = （不在当前列表中）
tm-merged-into = 已合并到
tm-from = 来自
tm-filter-item = 标签：{ $tag }
tm-filter-item-on = 标签：{ $tag }（已启用：Enter 移除）
tm-filter-label = 标签 { $tag }
tm-merged-already = #{ $id } 已合并到 #{ $into }；请处理 #{ $into }
tm-bad-number = { $input } 不是工单编号
tm-into-itself = 不能将 #{ $id } 合并到自身
tm-merging = 正在将 #{ $source } 合并到 #{ $target }…
tm-question = 将 #{ $source } 合并到 #{ $target }？
tm-bulk-tags = 对 { $n } 个已标记工单设置标签 { $ops }？
tm-tags-unchanged = #{ $id }：标签未变
tm-tags-changed = #{ $id }：标签 { $change }
tm-already = {" "}（已有：{ $tags }）
tm-absent = {" "}（原本没有：{ $tags }）
tm-merged = #{ $source } 已合并到 #{ $target }：移动了 { $entries } 条对话、{ $attachments } 个附件；#{ $source } 已关闭

## 撤销时限
undo-reply-to = 回复 #{ $id }
undo-close = 关闭 #{ $id }
undo-resolve = 解决 #{ $id }
undo-assign = 将 #{ $id } 分配给 { $who }
undo-unassign = 取消 #{ $id } 的分配
undo-sends-now = 正在发送…
undo-applies-now = 正在生效…
undo-sends-in = { $n } 秒后发送
undo-applies-in = { $n } 秒后生效
undo-sends-soon = 即将发送
undo-applies-soon = 即将生效
undo-key = { $key } 撤销
undo-assigned = #{ $id } 已分配给 { $who }
undo-unassigned = #{ $id } 已取消分配
undo-reply-refused = 对 #{ $id } 的回复未发送：{ $error } — 文字已保存为草稿（按 r 打开）
undo-refused = { $what } 未生效：{ $error }
undo-deferred-key = { $what } 等待生效：按 { $key } 撤销
undo-deferred = { $what } 等待生效
undo-undone-reply-back = 已撤销：对 #{ $id } 的回复未发送，文字已放回
undo-undone-reply-draft = 已撤销：对 #{ $id } 的回复未发送，文字已存为草稿（按 r 打开）
undo-undone = 已撤销：{ $what }
undo-nothing = 没有可撤销的操作
undo-too-late = 来不及撤销：操作已生效
undo-quit-reason = { $what } 仍在等待：按 y 立即生效并退出
undo-more = 另有 { $n } 项
