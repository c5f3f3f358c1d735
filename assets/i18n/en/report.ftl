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
