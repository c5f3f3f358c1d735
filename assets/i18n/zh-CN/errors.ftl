# 用户会遇到的错误，用可据以行动的话说明。

err-unknown-policy-set = 未知的策略集 { $name }（已知：{ $known }）
err-unknown-plan = 策略集 { $set } 没有支持计划 { $plan }（可选：{ $known }）
err-unknown-severity = 严重程度 { $severity } 不是策略集 { $set } 的级别（级别：{ $known }）
err-billing-severity = 严重程度 { $severity } 不适用于账单/账户类工单；请选择较低的严重程度
err-technical-not-allowed = 组织 { $org } 使用 { $plan } 计划，不含技术支持；只能提交账单类工单
err-unknown-time-zone = 未知时区 { $zone }（请使用 IANA 名称，如 Asia/Shanghai 或 Europe/Berlin）
err-empty-summary = 摘要为空
err-summary-too-long = 摘要长 { $n } 个字符；最多允许 { $max } 个
err-body-too-long = { $what }为 { $n } 字节；最多允许 { $max } 字节
err-empty-body = { $what }为空
err-empty-org-name = 组织名称为空
err-bad-user-name = 用户名 { $name } 无效（1–64 个字符，不含空格或控制字符）
err-bad-address = { $address } 不是邮件地址（name@example.com；联系人也可以是 @example.com 表示整个域）
err-requester-too-long = 提交人姓名长 { $n } 个字符；最多允许 200 个
err-not-found = 没有{ $what } { $key }
err-conflict = 工单 { $id } 已被他人修改：您编辑的是版本 { $expected }，{ $by } 将{ $field }从 { $old } 改为 { $new } 后现为版本 { $actual }；请重新加载后重试
err-claimed-by = 工单 { $id } 已被 { $by } 认领
err-import = 导入第 { $line } 行：{ $message }；未导入任何内容
err-newer-schema = 数据库结构版本 { $found } 比此 tuidesk 支持的版本（{ $supported }）新；请升级 tuidesk
err-db-busy = { $context }：数据库繁忙（其他写入占用过久）；请重试
err-db-disk-full = { $context }：磁盘已满
err-db-read-only = { $context }：数据库为只读
err-db-permission = { $context }：权限不足（{ $message }）
error-prefix = 错误

what-ticket = 工单
what-order = 服务单
what-organization = 组织
what-attachment = 附件
what-contact = 联系人
what-triage-item = 待分拣邮件
what-shared-template = 共享模板
what-outgoing-message = 待发邮件
what-quarantined-message = 隔离邮件
what-description = 描述
what-conversation-entry = 对话内容
what-note = 备注

err-bad-tag = 标签 { $tag } 无效：{ $why }
tag-why-control-characters-are-not-allowed = 不允许控制字符
tag-why-it-is-empty = 标签为空
tag-why-spaces-are-not-allowed = 不允许空格
tag-why-it-may-not-start-with----that-removes-a-tag- = 不能以 - 开头（那表示移除标签）
tag-why-at-most-32-characters-are-allowed = 最多 32 个字符
tag-why-use-letters--digits-and---------only = 只能使用字母、数字和 - _ . /
