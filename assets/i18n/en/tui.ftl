# The TUI: panes, popups, forms, footer prompts.

tui-too-small = tuidesk needs at least { $min_w }×{ $min_h }; this terminal is { $w }×{ $h }. Enlarge it, or press q to quit.

## Editor
tui-editor-reply = Public reply to the customer
tui-editor-note = Internal note (not visible to the customer)
tui-editor-discard = Discard this text? y = discard, any other key = keep editing
tui-editor-restored = draft restored
tui-editor-last-message = Customer's last message
tui-editor-description = The customer wrote (description)

## Header
tui-header-open = open { $n }
tui-header-at-risk = { $n } at risk
tui-header-breached = { $n } breached open
tui-header-reconnecting = reconnecting…

## Queue
tui-queue-title = Queue
tui-queue-search = search “{ $query }”
tui-queue-filter-sort = { $filter } · by { $sort }
tui-queue-total = { $n } total
tui-queue-marked = { $n } marked
tui-queue-shown = { $n } shown
tui-queue-no-match = No ticket matches. Esc returns to the queue.
tui-queue-empty = No tickets here. Press n to open one, f to change the filter.
tui-unassigned = unassigned

## Detail
tui-detail-title = Detail
tui-detail-select = Select a ticket.
tui-detail-writing = { $who } is writing on it
tui-detail-viewing = { $who } is viewing it
tui-detail-follows = follows #{ $id }
tui-detail-your-time = { $time } your time
tui-detail-draft-reply = unsent reply draft saved — press { $key } to continue it
tui-detail-draft-note = unsent note draft saved — press { $key } to continue it
tui-detail-attachment = attachment
tui-detail-conversation = conversation ({ $n })
tui-detail-events = events
tui-entry-note = INTERNAL NOTE
tui-entry-customer = customer
tui-entry-reply = reply
tui-event-script = (script)
tui-event-imported = (imported)
tui-event-reply = replied to the customer
tui-event-note = added an internal note
tui-event-created = opened it ({ $value })
tui-event-first-response = answered: first response

## SLA lines
tui-sla-breached = BREACHED { $left }
tui-sla-at-risk = at risk, { $left } left
tui-sla-running = { $left } left
tui-sla-paused = paused, { $left } left (waiting on the customer)
tui-sla-met-late = first response { $late } (breached, answered)
tui-sla-met = first response met
tui-sla-no-target = no target under this plan
tui-sla-pane-breached = { $n } breached
tui-sla-pane-empty = No running targets.
tui-sla-biz = { $time } biz

## Footer prompts
tui-search-hint = Enter search · Esc cancel
tui-assign-prompt = assign #{ $id } { $summary } to:
tui-assign-hint-new = (a name never seen here) · Enter assign · - unassign · Esc cancel
tui-assign-hint = Tab: { $names } · Enter assign · - unassign · Esc cancel
tui-quit-question = Quit?
tui-any-other-key = any other key

## Help and palette
tui-help-title = Help · Esc closes
tui-help-heading = Keys (your bindings; change them in config.toml [keys])
tui-help-editor = Editor: Ctrl-S send · Ctrl-T insert a reply template · Ctrl-E compose in $EDITOR · Esc or Ctrl-C cancel (asks before discarding text)
tui-help-states = States: ! at risk · ‼ breached · ⏸ paused · ✓ met · times say their zone
tui-palette-open = Enter: open ticket #{ $id }
tui-palette-number = type a ticket number, then Enter

## Popups
tui-writing-title = Someone is writing
tui-writing-question = { $who } is writing a reply on #{ $id } right now.
tui-writing-nothing-locked = Nothing is locked: both replies would reach the customer.
tui-writing-answer = reply anyway   any other key: cancel
tui-save-title = Save an attachment of #{ $id }
tui-save-to = save to
tui-save-not-kept = (not kept: over the size limit)
tui-bulk-title = Bulk change
tui-bulk-apply = apply to each
tui-bulk-note = one audited change per ticket; any other key cancels
tui-picker-not-for-kind = (not for this ticket's kind)

## New ticket form
tui-form-title = New ticket · Tab next field · ←/→ choose · Ctrl-S create · Esc cancel
tui-form-discard = Discard this ticket? y = discard, any other key = keep editing
tui-form-no-orgs = (no organizations)
tui-form-not-for-kind = (not for { $kind }: { $levels })

## Messages
app-still-here = still here
app-searching = searching… (Esc cancels)
app-external-editor-done = text from your editor; Ctrl-S sends, draft saved
app-external-editor-failed = the external editor failed: { $why }
app-no-hits = no hits
app-hit = hit { $i } of { $n }
app-hit-wrapped = hit { $i } of { $n } (from the top)
app-copied = copied to the clipboard: { $line }
app-sorted = sorted by { $sort }
app-status-of = Status of #{ $id } { $summary }
app-severity-of = Severity of #{ $id } { $summary }
app-severities-loading = severity levels are still loading; try again
app-still-saving = a change is still being saved
app-draft-on = { $kind } on #{ $id }
app-unsent-drafts = { $n ->
    [one] unsent draft
   *[other] unsent drafts
}: { $drafts } (kept for next time)
app-still-loading = #{ $id } is still loading; try again
app-no-ticket = no ticket selected
app-draft-discarded = draft discarded
app-nothing-to-send = nothing to send: the text is empty
app-fix-fields = fix the fields marked in red first
app-no-match = no ticket matches { $query }
app-hits = { $n ->
    [one] { $n } hit
   *[other] { $n } hits
}; { $next } / { $prev } step through them, Esc ends the search
app-hits-more = first { $n } hits, more match (refine the words); { $next } / { $prev } step, Esc ends
app-hits-bounded = { $n ->
    [one] { $n } hit
   *[other] { $n } hits
}, { $bound }; { $next } / { $prev } step, Esc ends the search
app-draft-restored = restored your unsent draft
app-error-offline = { $message } — reconnecting to the database; your text is kept, try again once it is back
app-offline = the database is unreachable — reconnecting; your unsent text is kept
app-reconnected = reconnected to the database; reloaded
app-ticket-changed = #{ $id } changed while this was open: now { $status } · { $severity } · { $assignee }
app-customer-answered = { $n ->
    [one] the customer answered your ticket { $list }
   *[other] customers answered your tickets { $list }
}
app-notify-breached = #{ $id } breached · { $severity } { $org } · { $summary }
search-bound = newest { $n } matches ranked

## Filter picker
filter-title = Filter (now: { $filter })
filter-clear = clear all filters
filter-mine = mine
filter-unassigned = unassigned
filter-breached = breached
filter-status = status: { $status }
filter-active-default = active (default)
filter-all = all
filter-severity = severity: { $severity }
filter-org = organization: { $org }
filter-assignee = assignee: { $who }
filter-all-statuses = all statuses
filter-active = active
filter-org-id = org { $id }

## New ticket form fields
form-org = Organization
form-kind = Kind
form-severity = Severity
form-summary = Summary
form-description = Description
form-component = Component
form-environment = Environment
form-version = Version
form-no-org = no organization yet: add one with `tuidesk org add`

## Bulk changes
bulk-set-status = set status { $status }
bulk-set-severity = set severity { $severity }
bulk-assign = assign to { $who }
bulk-unassign = unassign
bulk-question = { $what } on { $n } marked tickets?
bulk-marks-cleared = marks cleared
bulk-none-marked = no tickets marked
bulk-marked = { $n } marked · a assign · t status · e severity · Esc clears
bulk-n-marked = { $n } marked tickets
bulk-status-of = Status of { $n } marked tickets
bulk-severity-of = Severity of { $n } marked tickets
bulk-mixed-sets = the marked tickets use different severity scales (policy sets); mark tickets of one set
bulk-cancelled = bulk change cancelled; the marks stay
bulk-changing = changing { $n } tickets…
bulk-changed = changed { $n } tickets
bulk-changed-one-refused = changed { $n }, refused #{ $id }: { $why } (still marked)
bulk-changed-refused = changed { $n }, refused { $refused } (still marked: { $ids })

## Mail and assurance lines
freeze-text = change freeze: event assurance L{ $level } until { $end }
mail-auto = autoreply/bounce, ignored for the clocks ({ $why })
mail-queued-retrying = mail queued, retrying: { $error }
mail-queued = mail queued
mail-sent-at = mail sent { $time }
mail-sent = mail sent
mail-failed = mail failed: { $error }
mail-attachment-dropped = { $name } ({ $size }) dropped: over the size limit

## Triage view
tri-title = Triage · { $n } waiting
tri-empty = Nothing to triage: every message found its ticket. Mail from unknown senders waits here.
tri-loading = Loading the triage inbox…
tri-col-received = RECEIVED
tri-col-from = FROM
tri-col-subject = SUBJECT
tri-message = Message
tri-hint = F files the selected message under an organization, D discards it.
tri-message-item = Message · triage item { $id }
tri-label-from = From
tri-label-subject = Subject
tri-label-received = Received
tri-label-auto = Auto
tri-file-title = File triage item { $id } · Tab next · ←/→ choose · Enter file · Esc cancel
tri-severity-auto = as the subject and the policy say
tri-file-note = Enter opens a ticket for it; the sender becomes its requester.
tri-discard-title = Discard triage item { $id } · reason (required) · Enter discard · Esc cancel

## Reply templates
tpl-title = Reply templates · #{ $id }
tpl-filter = filter
tpl-yours = yours
tpl-shared = shared
tpl-no-match = no template name matches

## What the database thread says after a write
w-claimed = #{ $id } is yours
w-changed = #{ $id }: { $status } · { $severity } · { $assignee }
w-reply-sent = reply sent to #{ $id }
w-note-added = note added to #{ $id }
w-opened = opened #{ $id }
w-order-requested = order #{ $id } requested
w-order-requested-note = order #{ $id } requested; note: { $note }
w-order-completed = order #{ $id } completed
w-order-completed-report = order #{ $id } completed with its monthly report
w-order-rejected = order #{ $id } rejected
w-order-rated = order #{ $id } rated ★{ $speed } ★{ $quality }
w-triage-filed = triage item { $item } filed as #{ $id } under { $org }
w-triage-discarded = triage item { $item } discarded
w-save-exists = { $path } already exists; type another path
w-save-failed = could not write { $path }: { $error }
w-saved = saved { $name } ({ $size } bytes) to { $path }

## Attachments, templates, triage, presence
app-no-attachments = #{ $id } has no attachments
app-save-where = type where to save it
app-saving = saving { $name }…
app-save-dropped = { $name } was over the size limit: only its name and size were kept
app-reply-not-started = reply not started
tpl-error = reply templates: { $error }
tpl-none = no reply templates: put NAME.md files in replies/ beside config.toml, or `tuidesk reply-template add`
tpl-no-match-backspace = no template matches; Backspace widens the search
tpl-not-loaded = ticket #{ $id } is not loaded; try again
tpl-failed = template { $name }: { $error }; nothing inserted
tpl-inserted = inserted template { $name }
tri-actions-elsewhere = triage actions work in the Triage view (m)
tri-no-org = no organization to file item { $id } under: add one with `tuidesk org add`
tri-nothing = nothing waiting in the triage inbox
tri-choose-org = choose an organization first
tri-say-why = say why it is discarded (spam, misdirected, …)
app-unknown-assignee = nobody called { $who } has worked a ticket here yet; Enter again assigns anyway, Tab completes

## Tags and merges
tm-no-tags = type tags: bug or +bug adds, -bug removes
tm-not-with-marks = merge works on one ticket; Esc clears the marks first
tm-merge-cancelled = merge cancelled
tm-tag-title = Tags
tm-tag-hint = bug or +bug adds, -bug removes
tm-tag-now = now:
tm-merge-title = Merge into ticket # · Enter next · Esc cancel
tm-confirm-title = Merge tickets
tm-confirm-key = merge
tm-confirm-hint = conversation, attachments and tags move; the source is closed; any other key cancels
tm-not-loaded = (not in the list shown)
tm-merged-into = merged into
tm-from = from
tm-filter-item = tag: { $tag }
tm-filter-item-on = tag: { $tag } (on: Enter removes)
tm-filter-label = tag { $tag }
tm-merged-already = #{ $id } was merged into #{ $into }; work on #{ $into }
tm-bad-number = { $input } is not a ticket number
tm-into-itself = cannot merge #{ $id } into itself
tm-merging = merging #{ $source } into #{ $target }…
tm-question = Merge #{ $source } into #{ $target }?
tm-bulk-tags = tag { $ops } on { $n } marked tickets?
tm-tags-unchanged = #{ $id }: tags unchanged
tm-tags-changed = #{ $id }: tags { $change }
tm-already = {" "}(already: { $tags })
tm-absent = {" "}(not tagged: { $tags })
tm-merged = #{ $source } merged into #{ $target }: { $entries } conversation entries, { $attachments } attachments moved; #{ $source } is closed

## Undo window
undo-reply-to = reply to #{ $id }
undo-close = close #{ $id }
undo-resolve = resolve #{ $id }
undo-assign = assign #{ $id } to { $who }
undo-unassign = unassign #{ $id }
undo-sends-now = sends now…
undo-applies-now = applies now…
undo-sends-in = sends in { $n } s
undo-applies-in = applies in { $n } s
undo-sends-soon = sends soon
undo-applies-soon = applies soon
undo-key = { $key } undo
undo-assigned = #{ $id } assigned to { $who }
undo-unassigned = #{ $id } unassigned
undo-reply-refused = reply to #{ $id } NOT sent: { $error } — your text is kept as a draft (r opens it)
undo-refused = { $what } NOT applied: { $error }
undo-deferred-key = { $what } waits: { $key } undoes it
undo-deferred = { $what } waits
undo-undone-reply-back = undone: reply to #{ $id } not sent, its text is back
undo-undone-reply-draft = undone: reply to #{ $id } not sent, its text is your draft (r opens it)
undo-undone = undone: { $what }
undo-nothing = nothing to undo
undo-too-late = too late to undo: it was already applied
undo-quit-reason = { $what } still waiting: y applies now and quits
undo-more = +{ $n } more
