# Errors a user meets, in words they can act on. The English text of each is the error's
# own Display (src/domain.rs, src/store/error.rs); these messages serve the other languages
# and must keep the same placeables.

err-unknown-policy-set = unknown policy set { $name } (known: { $known })
err-unknown-plan = policy set { $set } has no plan { $plan } (plans: { $known })
err-unknown-severity = severity { $severity } is not a level of policy set { $set } (levels: { $known })
err-billing-severity = severity { $severity } does not apply to billing/account tickets; use a lower severity
err-technical-not-allowed = organization { $org } is on the { $plan } plan, which has no technical support; only billing tickets can be opened
err-unknown-time-zone = unknown time zone { $zone } (use an IANA name such as Asia/Shanghai or Europe/Berlin)
err-empty-summary = summary is empty
err-summary-too-long = summary is { $n } characters long; at most { $max } are allowed
err-body-too-long = { $what } is { $n } bytes; at most { $max } bytes are allowed
err-empty-body = { $what } is empty
err-empty-org-name = organization name is empty
err-bad-user-name = user name { $name } is not valid (1–64 characters, no spaces or control characters)
err-bad-address = { $address } is not a mail address (name@example.com; a contact may also be @example.com for a whole domain)
err-requester-too-long = the requester's name is { $n } characters long; at most 200 are allowed
err-not-found = no { $what } { $key }
err-conflict = ticket { $id } changed under you: you edited version { $expected }, it is now version { $actual } after { $by } set { $field } { $old } → { $new }; reload and try again
err-claimed-by = ticket { $id } is already claimed by { $by }
err-import = import line { $line }: { $message }; nothing was imported
err-newer-schema = database schema version { $found } is newer than this tuidesk understands ({ $supported }); upgrade tuidesk
err-db-busy = { $context }: the database is busy (other writers held it too long); try again
err-db-disk-full = { $context }: the disk is full
err-db-read-only = { $context }: the database is read-only
err-db-permission = { $context }: permission denied ({ $message })
error-prefix = error

what-ticket = ticket
what-order = order
what-organization = organization
what-attachment = attachment
what-contact = contact
what-triage-item = triage item
what-shared-template = shared template
what-outgoing-message = outgoing message
what-quarantined-message = quarantined message
what-description = description
what-conversation-entry = conversation entry
what-note = note

err-bad-tag = tag { $tag } is not valid: { $why }
tag-why-control-characters-are-not-allowed = control characters are not allowed
tag-why-it-is-empty = it is empty
tag-why-spaces-are-not-allowed = spaces are not allowed
tag-why-it-may-not-start-with----that-removes-a-tag- = it may not start with - (that removes a tag)
tag-why-at-most-32-characters-are-allowed = at most 32 characters are allowed
tag-why-use-letters--digits-and---------only = use letters, digits and - _ . / only
