# The Report view (the monthly service report, 服务月报).

rep-title = Report
rep-loading = Loading the report…
rep-loading-short = loading
rep-rows = rows { $from }–{ $to } (j/k)
rep-orgs = { $n } organizations
rep-first-response = first response { $met } met of { $total } ({ $percent })
rep-empty = No tickets were opened or resolved in { $month }. [ and ] change the month.
rep-col-org = ORG
rep-col-plan = PLAN
rep-col-opened = OPENED
rep-col-resolved = RESOLVED
rep-col-met = MET
rep-col-breached = BREACHED
rep-col-attain = ATTAIN
rep-col-median = MEDIAN
rep-col-p90 = P90
rep-col-next = NEXT
rep-col-resol = RESOL
rep-attainment = Attainment
rep-by-plan = First-response attainment · plan × severity
rep-no-targets = no first-response targets this month
rep-per-day = Attainment % per day · { $month } (opened day)

## `tuidesk report monthly` (text)
rpt-heading = Monthly service report { $month } (generated { $generated })
rpt-no-orgs = No organizations.
rpt-plan = Plan: { $label } ({ $plan })   Time zone: { $tz }
rpt-period = Period: { $start } to { $end } (exclusive)
rpt-opened = Opened: { $opened }   Resolved: { $resolved }
rpt-first-response = First response (tickets opened this month): { $met } met, { $breached } breached, { $pending } pending, { $none } no target
rpt-stopped-unanswered = , { $n } resolved before due without a reply
rpt-attainment = {"  "}Attainment: { $attainment }   Median: { $median }   90th percentile: { $p90 }   (n = { $n })
rpt-next-response = Next response
rpt-resolution = Resolution (minus time pending)
rpt-target-line = { $what }: { $met } met, { $breached } breached, { $pending } pending, { $none } no target{ $stopped }   Attainment: { $attainment }
rpt-stopped-by-resolution = , { $n } stopped by the resolution
rpt-no-tickets = No tickets opened or resolved in this month.
rpt-col-kind = KIND
rpt-col-severity = SEVERITY
rpt-total = total
rpt-tickets = Tickets (times in { $tz }):
rpt-col-no = NO
rpt-col-category = CATEGORY
rpt-col-created = CREATED
rpt-col-resolved-at = RESOLVED
rep-tags = tags (opened this month): { $tags }
rpt-tags = Tags (tickets opened this month): { $tags }
