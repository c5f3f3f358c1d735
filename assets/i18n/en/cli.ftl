# The command line's human output (never --json, CSV or exports).

cli-paused = paused { $left }
cli-due = due { $due }
cli-earlier-breach = an earlier cycle breached
cli-organization = organization
cli-severity-status = severity { $severity }   status { $status }
cli-environment-version = environment { $environment }   version { $version }
cli-channel = channel { $channel }
cli-created = created
cli-updated = updated { $time }
cli-first-response = first response due { $due }   responded { $at }
cli-breached = BREACHED
cli-at-risk = at risk
cli-left = left
cli-conversation = Conversation:
cli-events = Events:
cli-history = history:
cli-policy-set = policy set
cli-plan-since = on this plan since
cli-time-zone = time zone
cli-linked = linked accounts
cli-contacts = contacts

role-engineer = engineer
role-customer = customer
state-running = running
state-at-risk = at-risk
state-breached = breached
state-paused = paused
state-met = met
state-stopped = stopped
state-not-applicable = not-applicable
cli-no-orders = no orders match
cli-order = order
cli-search-more = showing the best { $shown }; more tickets match (--limit N shows more)
cli-search-bounded = { $bound }: more tickets or replies match than are ranked; add words to narrow the search
cli-claimed = ticket { $id } is assigned to { $who }
cli-changed = ticket { $id }: status { $status }, severity { $severity }, assignee { $assignee } (version { $version })
cli-entry-added = { $what } { $entry } added to ticket { $id }{ $n ->
    [0] {""}
    [one] {" "}with 1 attachment
   *[other] {" "}with { $n } attachments
}
cli-no-attachment = ticket { $id } has no attachment { $name }
cli-no-attachment-has = ticket { $id } has no attachment { $name } (it has: { $names })
cli-attachment-dropped = attachment #{ $id } { $name } was over the size limit when it arrived: only its name and size were kept
cli-hint-limit = use --limit N
cli-hint-limit-all = use --limit N, or --all for every ticket in any status
cli-showing = showing { $shown } of { $total } tickets; { $hint }
cli-order-queued = queued for { $to } (send with `tuidesk mail send`)
cli-order-completed = order { $id } completed
cli-order-completed-with = order { $id } completed with { $files }
cli-order-rejected = order { $id } rejected
cli-order-rated = order { $id } rated: speed { $speed }/5, quality { $quality }/5
cli-order-due = due
cli-order-closed = closed
cli-order-requested = requested
cli-order-completed-at = completed
cli-order-rejected-because = rejected
cli-order-note = note
cli-order-rating = rating: response speed { $speed }/5, deliverable quality { $quality }/5
cli-order-feedback = feedback
cli-exported = exported { $orgs } organizations and { $tickets } tickets
cli-imported = imported { $orgs } organizations, { $tickets } tickets, { $entries } conversation entries, { $events } events{ $orders ->
    [0] {""}
   *[other] , { $orders } service orders
}
cli-backed-up = backed up { $from } to { $to }
cli-check-ok = ok: { $db } passes the integrity check and the application's invariants
cli-check-ok-server = ok: { $db }: the full-text index covers every ticket and entry and the application's invariants hold (pages and constraints are the server's to check: pg_amcheck)
cli-tpl-give-text = give the template's text with --body TEXT or --file PATH (`-`: standard input)
cli-tpl-saved = saved shared template { $name }
cli-tpl-removed = removed shared template { $name }
cli-tpl-none = no reply templates (add one with `tuidesk reply-template add NAME --file PATH`)
cli-tpl-unknown = no reply template { $name } (see `tuidesk reply-template list`)
cli-recomputed = { $n ->
    [one] 1 open ticket recomputed
   *[other] { $n } open tickets recomputed
}
cli-org-plan = { $org }: plan { $old } → { $new } ({ $recomputed })
cli-org-linked = { $org } linked to { $parent } ({ $recomputed })
cli-org-unlinked = { $org } unlinked from { $parent } ({ $recomputed })
cli-no-contacts = { $org }: no contacts

## sla explain
sla-x-heading = ticket { $id } · { $org } ({ $tz })
sla-x-policy = policy
sla-x-policy-line = { $set } · plan { $plan } · severity { $severity } · status { $status }
sla-x-retired = {" "}→ { $plan } (retired plan, served as its fallback)
sla-x-opened = opened
sla-x-resolved = resolved
sla-x-resolved-note = (every clock stopped then)
sla-x-pauses = pauses
sla-x-none = none
sla-x-pause = pause
sla-x-still-pending = (still pending)
sla-x-rule = rule
sla-x-pending-rule = pending pauses the next-response and resolution clocks, never the first response
sla-x-breached-late = breached ({ $late })
sla-x-no-target = no target: plan { $plan } has none for severity { $severity }
sla-x-target = target
sla-x-not-paused = ; not paused by pending
sla-x-paused = ; paused while pending
sla-x-error = error
sla-x-due = due
sla-x-elapsed = elapsed
sla-x-remaining = remaining
sla-x-breached = breached
sla-x-answered = answered
sla-x-stopped = stopped
sla-x-stopped-note = (resolved before it was due: neither met nor breached)
sla-x-changes = changes
sla-x-responded = responded
sla-x-responded-note = (after the ticket was resolved: does not count)
sla-x-runs-from = runs from the customer's message of { $start } ({ $n } so far)
sla-x-not-running = not running: no customer message after the first response
sla-x-earlier-breach = an earlier cycle breached at { $at } (stays a fact)
sla-x-next-note = pending stops this clock; resolving stops it
sla-x-resolution-note = runs from creation to resolution, minus time pending

## mail
cli-mail-triage-empty = the triage inbox is empty
cli-mail-quarantine-empty = the quarantine is empty
cli-mail-outbox-empty = the outbox is empty
cli-mail-sent = sent { $time }
cli-mail-queued-attempt = queued (attempt { $n }: { $error })
cli-mail-queued = queued
cli-mail-failed = failed: { $error }
cli-merged-from = from #{ $id }

## tags and merges
cli-tag-tags = tags { $change }
cli-tag-already = already tagged { $tags }
cli-tag-absent = not tagged { $tags }
cli-tag-nothing = nothing changed
cli-tagged = ticket { $id }: { $said }; tags now: { $tags } (version { $version })
cli-merge-tags = , tags { $tags }
cli-merged = ticket { $source } merged into ticket { $target }: { $entries } conversation entries, { $attachments } attachments{ $tags } moved; ticket { $source } is closed (version { $source_version }), ticket { $target } is at version { $target_version }
cli-merged-into = merged into #{ $id } (its conversation, attachments and tags are there)
