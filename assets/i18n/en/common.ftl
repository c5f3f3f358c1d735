# Words shared by the TUI and the CLI: column headers, field labels, and the names of
# statuses, kinds, environments, channels, metrics and sort orders (keys built from the
# value: status-open, kind-billing, …).

col-id = ID
col-severity = SEV
col-org = ORG
col-summary = SUMMARY
col-status = STATUS
col-assignee = ASSIGNEE
col-left = LEFT

label-org = org
label-plan = plan
label-kind = kind
label-freeze = freeze
label-component = component
label-assignee = assignee
label-here = here
label-requester = requester
label-their-time = their time
label-opened = opened
label-sla = sla
label-due = due

status-new = new
status-open = open
status-pending = pending
status-on-hold = on-hold
status-resolved = resolved
status-closed = closed

kind-technical = technical
kind-billing = billing

env-production = production
env-non-production = non-production

channel-email = email
channel-portal = portal
channel-phone = phone
channel-chat = chat

metric-first-response = first-response
metric-next-response = next-response
metric-resolution = resolution

sort-due = due
sort-created = created
sort-severity = severity

field-status = status
field-severity = severity
field-assignee = assignee
field-summary = summary
field-kind = kind
field-component = component
field-environment = environment
field-version = version
field-tags = tags
field-org = org

left-breached = breached
left-met = met
left-no-target = no target

entry-reply = reply
entry-note = note
met-late = met late { $time }
met-late-short = late { $time }

severity-urgent = urgent
severity-general = general
severity-raised-why = { $level } ({ $why }; filed { $filed })
severity-raised = { $level } (filed { $filed })

weekday-mon = Mon
weekday-tue = Tue
weekday-wed = Wed
weekday-thu = Thu
weekday-fri = Fri
weekday-sat = Sat
weekday-sun = Sun
label-tags = tags
