//! Contacts and mail (issue 16): contacts of an organization and the lookup of a sender's
//! organization, received and sent messages (Message-ID once, threading), attachments,
//! the triage inbox, the quarantine and the outbox; and the mail use cases on top of them.

use tuidesk::desk::Delivered;
use tuidesk::domain::{AuthorRole, EntryKind};
use tuidesk::store::{
    AttachmentInsert, EntryInsert, MailDirection, MailRecord, MessagesFrom, OutboxInsert,
    OutboxPatch, OutboxState, StoreError, TriageInsert, TriageState,
};

use crate::backend::Backend;
use crate::fixture::*;

fn mail<'a>(message_id: &'a str, direction: MailDirection, ticket: Option<i64>) -> MailRecord<'a> {
    MailRecord {
        message_id,
        direction,
        ticket_id: ticket,
        entry_id: None,
        triage_id: None,
        from_address: Some("li@example.cn"),
        subject: Some("主题"),
        auto: None,
        at: t0(),
    }
}

pub fn contacts_add_remove_and_find_the_senders_organization(b: &dyn Backend) {
    let mut s = b.open();
    let acme = raw_org(&mut *s, "Acme");
    let other = raw_org(&mut *s, "Other");
    let added = write(&mut *s, |tx| {
        Ok(vec![
            tx.add_contact(acme, "zoe@acme.example", t0())?,
            tx.add_contact(acme, "@acme.example", t0())?,
            tx.add_contact(acme, "Ann@acme.example", t0())?,
            tx.add_contact(acme, "zoe@acme.example", at(1))?,
            tx.add_contact(other, "@example", t0())?,
            tx.add_contact(other, "@corp.acme.example", t0())?,
        ])
    })
    .unwrap();
    assert_eq!(added, vec![true, true, true, false, true, true]);
    // Sorted bytewise, as stored.
    assert_eq!(
        s.contacts(acme).unwrap(),
        vec!["@acme.example", "Ann@acme.example", "zoe@acme.example"]
    );
    let found = write(&mut *s, |tx| {
        Ok((
            tx.orgs_for_address("zoe@acme.example")?,
            // Nearest domain first: mail.corp.acme.example finds corp.acme.example.
            tx.orgs_for_address("x@mail.corp.acme.example")?,
            tx.orgs_for_address("x@acme.example")?,
            // Never a bare top-level domain.
            tx.orgs_for_address("x@foo.example")?,
            tx.orgs_for_address("nobody")?,
            tx.contacts_in(other)?,
        ))
    })
    .unwrap();
    assert_eq!(found.0, vec![acme]);
    assert_eq!(found.1, vec![other]);
    assert_eq!(found.2, vec![acme]);
    assert!(found.3.is_empty());
    assert!(found.4.is_empty());
    assert_eq!(found.5, vec!["@corp.acme.example", "@example"]);
    // The same address on two organizations: both, by id.
    write(&mut *s, |tx| {
        tx.add_contact(other, "zoe@acme.example", t0())
    })
    .unwrap();
    let both = write(&mut *s, |tx| tx.orgs_for_address("zoe@acme.example")).unwrap();
    assert_eq!(both, vec![acme, other]);
    let removed = write(&mut *s, |tx| {
        Ok((
            tx.remove_contact(acme, "zoe@acme.example")?,
            tx.remove_contact(acme, "zoe@acme.example")?,
        ))
    })
    .unwrap();
    assert_eq!(removed, (true, false));
    assert_eq!(
        s.contacts(acme).unwrap(),
        vec!["@acme.example", "Ann@acme.example"]
    );
    assert!(s.contacts(9999).unwrap().is_empty());
}

pub fn messages_thread_by_message_id_with_attachments(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let t1 = raw_ticket(&mut *s, org, "one", t0());
    let t2 = raw_ticket(&mut *s, org, "two", t0());
    let entry = write(&mut *s, |tx| {
        tx.insert_entry(&EntryInsert {
            ticket_id: t1,
            kind: EntryKind::Reply,
            role: AuthorRole::Customer,
            author: "li@example.cn",
            body: "日志见附件",
            at: at(5),
        })
    })
    .unwrap();
    write(&mut *s, |tx| {
        tx.insert_mail(&mail("open-1@x", MailDirection::In, Some(t1)))?;
        tx.insert_mail(&MailRecord {
            entry_id: Some(entry),
            at: at(5),
            auto: Some("auto-submitted: auto-replied"),
            ..mail("follow-1@x", MailDirection::In, Some(t1))
        })?;
        tx.insert_mail(&MailRecord {
            at: at(7),
            from_address: None,
            subject: None,
            ..mail("sent-1@desk", MailDirection::Out, Some(t1))
        })?;
        tx.insert_mail(&mail("other-1@x", MailDirection::In, Some(t2)))?;
        tx.insert_mail(&mail("loose-1@x", MailDirection::In, None))?;
        tx.insert_attachment(&AttachmentInsert {
            ticket_id: Some(t1),
            entry_id: None,
            triage_id: None,
            name: "screen.png",
            content_type: "image/png",
            size: 5,
            data: Some(&[0, 159, 146, 150, 255]),
        })?;
        tx.insert_attachment(&AttachmentInsert {
            ticket_id: Some(t1),
            entry_id: Some(entry),
            triage_id: None,
            name: "慢日志.txt",
            content_type: "text/plain",
            size: 70_000_000,
            data: None,
        })
    })
    .unwrap();
    let (known, unknown, thread, none, all_ids, inbound) = write(&mut *s, |tx| {
        Ok((
            tx.mail_known("sent-1@desk")?,
            tx.mail_known("never@x")?,
            // The first id that has a ticket wins; unknown and ticketless ones are skipped.
            tx.ticket_for_messages(&[
                "never@x".to_string(),
                "loose-1@x".to_string(),
                "other-1@x".to_string(),
                "open-1@x".to_string(),
            ])?,
            tx.ticket_for_messages(&["loose-1@x".to_string()])?,
            tx.ticket_message_ids(t1, false)?,
            tx.ticket_message_ids(t1, true)?,
        ))
    })
    .unwrap();
    assert!(known);
    assert!(!unknown);
    assert_eq!(thread, Some(t2));
    assert_eq!(none, None);
    assert_eq!(all_ids, vec!["open-1@x", "follow-1@x", "sent-1@desk"]);
    assert_eq!(inbound, vec!["open-1@x", "follow-1@x"]);
    // A Message-ID is stored once.
    let again = write(&mut *s, |tx| {
        tx.insert_mail(&mail("open-1@x", MailDirection::In, Some(t2)))
    });
    assert!(again.is_err(), "a second row with the same Message-ID");
    assert_eq!(
        write(&mut *s, |tx| tx.ticket_message_ids(t2, false)).unwrap(),
        vec!["other-1@x"]
    );

    let m = s.ticket_mail(t1).unwrap();
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[0].entry_id, 0);
    assert_eq!(m[0].message_id.as_deref(), Some("open-1@x"));
    assert_eq!(m[0].attachments.len(), 1);
    assert_eq!(m[0].attachments[0].name, "screen.png");
    assert!(m[0].attachments[0].stored);
    assert_eq!(m[1].entry_id, entry);
    assert_eq!(m[1].message_id.as_deref(), Some("follow-1@x"));
    assert_eq!(m[1].auto.as_deref(), Some("auto-submitted: auto-replied"));
    assert_eq!(m[1].attachments[0].name, "慢日志.txt");
    assert_eq!(m[1].attachments[0].size, 70_000_000);
    assert!(!m[1].attachments[0].stored);
    let detail = s.ticket_detail(t1, t0()).unwrap();
    assert_eq!(detail.mail, m);
    // Bytes back exactly; a dropped one is NotFound naming the file.
    let (name, data) = s.attachment(m[0].attachments[0].id).unwrap();
    assert_eq!(
        (name.as_str(), data),
        ("screen.png", vec![0, 159, 146, 150, 255])
    );
    match s.attachment(m[1].attachments[0].id) {
        Err(StoreError::NotFound { key, .. }) => assert_eq!(key, "慢日志.txt"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(matches!(
        s.attachment(999_999),
        Err(StoreError::NotFound { .. })
    ));
    // An autoreply's entry is no customer message for the clocks.
    let inputs = s.sla_inputs_many(&[t1]).unwrap();
    assert!(inputs[0].timeline.customer_messages.is_empty());
}

pub fn triage_waits_until_filed_or_discarded(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let (first, second) = write(&mut *s, |tx| {
        let first = tx.insert_triage(&TriageInsert {
            message_id: "stranger-1@x",
            from_name: Some("Stranger"),
            from_address: "who@elsewhere.example",
            subject: "Can you help?",
            body: "We are not a customer yet.",
            auto: None,
            received_at: t0(),
        })?;
        let second = tx.insert_triage(&TriageInsert {
            message_id: "stranger-2@x",
            from_name: None,
            from_address: "bot@elsewhere.example",
            subject: "Out of office",
            body: "",
            auto: Some("x-autoreply"),
            received_at: at(1),
        })?;
        tx.insert_mail(&MailRecord {
            triage_id: Some(first),
            ..mail("stranger-1@x", MailDirection::In, None)
        })?;
        tx.insert_attachment(&AttachmentInsert {
            ticket_id: None,
            entry_id: None,
            triage_id: Some(first),
            name: "a.txt",
            content_type: "text/plain",
            size: 3,
            data: Some(b"abc"),
        })?;
        Ok((first, second))
    })
    .unwrap();
    let waiting = s.mail_triage(false).unwrap();
    assert_eq!(
        waiting.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first, second]
    );
    let w = &waiting[0];
    assert_eq!(w.message_id, "stranger-1@x");
    assert_eq!(w.from_name.as_deref(), Some("Stranger"));
    assert_eq!(w.from_address, "who@elsewhere.example");
    assert_eq!(w.subject, "Can you help?");
    assert_eq!(w.body, "We are not a customer yet.");
    assert_eq!(w.received_at, t0());
    assert_eq!(w.state, TriageState::Waiting);
    assert_eq!(w.attachments.len(), 1);
    assert_eq!(waiting[1].auto.as_deref(), Some("x-autoreply"));

    let ticket = raw_ticket(&mut *s, org, "from triage", at(2));
    write(&mut *s, |tx| {
        let item = tx.triage_item_in(first)?;
        assert_eq!(item.state, TriageState::Waiting);
        tx.decide_triage(
            first,
            TriageState::Filed,
            Some(ticket),
            None,
            "alice",
            at(2),
        )?;
        tx.attach_triage_to_ticket(first, ticket)?;
        tx.decide_triage(
            second,
            TriageState::Discarded,
            None,
            Some("autoreply"),
            "bob",
            at(3),
        )
    })
    .unwrap();
    assert!(s.mail_triage(false).unwrap().is_empty());
    let all = s.mail_triage(true).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].state, TriageState::Filed);
    assert_eq!(all[0].ticket_id, Some(ticket));
    assert_eq!(all[0].decided_by.as_deref(), Some("alice"));
    assert_eq!(all[0].decided_at, Some(at(2)));
    assert_eq!(all[1].state, TriageState::Discarded);
    assert_eq!(all[1].reason.as_deref(), Some("autoreply"));
    // The message and its attachment moved to the ticket.
    let m = s.ticket_mail(ticket).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].message_id.as_deref(), Some("stranger-1@x"));
    assert_eq!(m[0].attachments[0].name, "a.txt");
    assert_eq!(
        write(&mut *s, |tx| tx
            .ticket_for_messages(&["stranger-1@x".into()]))
        .unwrap(),
        Some(ticket)
    );
    for r in [
        write(&mut *s, |tx| tx.triage_item_in(999).map(|_| ())),
        write(&mut *s, |tx| {
            tx.decide_triage(999, TriageState::Filed, None, None, "x", t0())
        }),
    ] {
        assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    }
}

pub fn quarantine_keeps_raw_bytes(b: &dyn Backend) {
    let mut s = b.open();
    let raw: Vec<u8> = (0..=255u8).chain(b"\r\n\0tail".iter().copied()).collect();
    let (a, b2) = write(&mut *s, |tx| {
        Ok((
            tx.insert_quarantine(&raw, "no headers", t0())?,
            tx.insert_quarantine(b"x", "too short", at(1))?,
        ))
    })
    .unwrap();
    let q = s.mail_quarantine().unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(
        (q[0].id, q[0].reason.as_str(), q[0].size, q[0].received_at),
        (a, "no headers", raw.len() as i64, t0())
    );
    assert_eq!(q[1].id, b2);
    assert_eq!(s.quarantined_raw(a).unwrap(), raw);
    assert!(matches!(
        s.quarantined_raw(999),
        Err(StoreError::NotFound { .. })
    ));
}

pub fn outbox_queues_retries_and_records_delivery(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let t = raw_ticket(&mut *s, org, "one", t0());
    let entry = write(&mut *s, |tx| {
        tx.insert_entry(&EntryInsert {
            ticket_id: t,
            kind: EntryKind::Reply,
            role: AuthorRole::Engineer,
            author: "alice",
            body: "fixed",
            at: at(1),
        })
    })
    .unwrap();
    let (m1, m2, m3) = write(&mut *s, |tx| {
        let m1 = tx.insert_outbox(&OutboxInsert {
            ticket_id: Some(t),
            entry_id: Some(entry),
            order_id: None,
            message_id: "r1@desk",
            to: "li@example.cn, ops@example.cn",
            subject: "Re: [#1] one",
            in_reply_to: Some("open-1@x"),
            references: Some("open-1@x follow-1@x"),
            body: "fixed\n",
            attachment: None,
            at: at(1),
        })?;
        let m2 = tx.insert_outbox(&OutboxInsert {
            ticket_id: None,
            entry_id: None,
            order_id: None,
            message_id: "r2@desk",
            to: "boss@example.cn",
            subject: "报告",
            in_reply_to: None,
            references: None,
            body: "see attachment",
            attachment: Some(("report.pdf", &[37, 80, 68, 70, 0, 255])),
            at: at(2),
        })?;
        let m3 = tx.insert_outbox(&OutboxInsert {
            message_id: "r3@desk",
            to: "x@example.cn",
            subject: "later",
            body: "",
            attachment: None,
            ticket_id: None,
            entry_id: None,
            order_id: None,
            in_reply_to: None,
            references: None,
            at: at(3),
        })?;
        Ok((m1, m2, m3))
    })
    .unwrap();
    let all = s.outbox(10).unwrap();
    assert_eq!(
        all.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![m3, m2, m1]
    );
    assert_eq!(s.outbox(2).unwrap().len(), 2);
    let first = &all[2];
    assert_eq!(first.to, "li@example.cn, ops@example.cn");
    assert_eq!(first.in_reply_to.as_deref(), Some("open-1@x"));
    assert_eq!(first.references.as_deref(), Some("open-1@x follow-1@x"));
    assert_eq!(first.state, OutboxState::Queued);
    assert_eq!((first.attempts, first.next_attempt_at), (0, at(1)));
    assert_eq!(first.created_at, at(1));
    assert_eq!(all[1].attachment_name.as_deref(), Some("report.pdf"));
    assert_eq!(
        all[1].attachment.as_deref(),
        Some(&[37, 80, 68, 70, 0, 255][..])
    );
    // Due: queued and next attempt reached, oldest first.
    let ids = |v: Vec<tuidesk::store::OutboxMessage>| v.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(s.outbox_due(at(2), 10).unwrap()), vec![m1, m2]);
    assert_eq!(ids(s.outbox_due(at(9), 1).unwrap()), vec![m1]);
    write(&mut *s, |tx| {
        tx.update_outbox(
            m1,
            &OutboxPatch::Retry {
                next_at: at(10),
                error: "421 try later".into(),
            },
        )?;
        tx.update_outbox(
            m2,
            &OutboxPatch::Failed {
                error: "550 no such mailbox".into(),
            },
        )?;
        tx.update_outbox(m3, &OutboxPatch::Sent { at: at(4) })
    })
    .unwrap();
    assert!(s.outbox_due(at(9), 10).unwrap().is_empty());
    assert_eq!(ids(s.outbox_due(at(10), 10).unwrap()), vec![m1]);
    let all = s.outbox(10).unwrap();
    assert_eq!(
        (all[2].attempts, all[2].last_error.as_deref(), all[2].state),
        (1, Some("421 try later"), OutboxState::Queued)
    );
    assert_eq!(all[1].state, OutboxState::Failed);
    assert_eq!(all[0].state, OutboxState::Sent);
    assert_eq!(all[0].sent_at, Some(at(4)));
    let m = s.ticket_mail(t).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].entry_id, entry);
    assert_eq!(m[0].message_id.as_deref(), Some("r1@desk"));
    assert_eq!(
        m[0].delivery,
        Some((OutboxState::Queued, None, Some("421 try later".to_string())))
    );
    write(&mut *s, |tx| {
        tx.update_outbox(m1, &OutboxPatch::Sent { at: at(11) })
    })
    .unwrap();
    assert_eq!(
        s.ticket_mail(t).unwrap()[0].delivery,
        Some((OutboxState::Sent, Some(at(11)), None))
    );
    assert!(matches!(
        write(&mut *s, |tx| tx
            .update_outbox(999, &OutboxPatch::Sent { at: t0() })),
        Err(StoreError::NotFound { .. })
    ));
}

fn fixture(name: &str) -> tuidesk::mail::parse::InboundMail {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).unwrap();
    tuidesk::mail::parse::parse(&raw, &Default::default()).unwrap()
}

pub fn delivered_mail_opens_follows_up_and_triages(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let admin = actor("admin");
    d.change_contacts(CTYUN, &["@ctyun-customer.cn".into()], &[], &admin, t0())
        .unwrap();
    let ticket = match d.deliver_mail(&fixture("gb2312.eml"), at(1)).unwrap() {
        Delivered::NewTicket { ticket, .. } => ticket,
        other => panic!("expected a new ticket, got {other:?}"),
    };
    match d
        .deliver_mail(&fixture("reply-inreplyto.eml"), at(2))
        .unwrap()
    {
        Delivered::FollowUp {
            ticket: t, auto, ..
        } => assert_eq!((t, auto), (ticket, false)),
        other => panic!("expected a follow-up, got {other:?}"),
    }
    match d.deliver_mail(&fixture("autoreply.eml"), at(3)).unwrap() {
        Delivered::FollowUp {
            ticket: t, auto, ..
        } => assert_eq!((t, auto), (ticket, true)),
        other => panic!("expected an autoreply follow-up, got {other:?}"),
    }
    assert!(matches!(
        d.deliver_mail(&fixture("gb2312.eml"), at(4)).unwrap(),
        Delivered::Duplicate { .. }
    ));
    let t = d.store().ticket(ticket, at(4)).unwrap();
    assert_eq!(t.org, CTYUN);
    assert_eq!(
        t.requester_address.as_deref(),
        Some("zhang.wei@ctyun-customer.cn")
    );
    assert_eq!(t.channel, Some(tuidesk::domain::Channel::Email));
    let inputs = d.store().sla_inputs_many(&[ticket]).unwrap();
    assert!(inputs[0].timeline.customer_messages.contains(&at(2)));
    assert!(!inputs[0].timeline.customer_messages.contains(&at(3)));
    let detail = d.store().ticket_detail(ticket, at(4)).unwrap();
    assert!(detail.mail.iter().any(|m| m.auto.is_some()));

    let id = match d
        .deliver_mail(&fixture("unknown-sender.eml"), at(5))
        .unwrap()
    {
        Delivered::Triage { id, .. } => id,
        other => panic!("expected triage, got {other:?}"),
    };
    assert_eq!(d.store().mail_triage(false).unwrap().len(), 1);
    let filed = d
        .file_triage(id, ACME, None, &actor("alice"), at(6))
        .unwrap();
    assert!(d.store().mail_triage(false).unwrap().is_empty());
    let item = &d.store().mail_triage(true).unwrap()[0];
    assert_eq!(
        (item.state, item.ticket_id),
        (TriageState::Filed, Some(filed))
    );
    // Filing twice is refused, naming who did it.
    let again = d.file_triage(id, ACME, None, &actor("bob"), at(7));
    assert!(
        again
            .as_ref()
            .is_err_and(|e| e.to_string().contains("alice")),
        "{again:?}"
    );
}

/// One read of customers' messages for both watchers: after an entry id (the TUI's mark)
/// or since an instant (`tuidesk watch`), newest first, engineers' entries and autoreplies
/// left out.
pub fn customer_messages_lists_the_newest_after_a_mark_or_since_an_instant(b: &dyn Backend) {
    let mut d = desk(b);
    let empty = d.customer_messages(None, 10).unwrap();
    assert_eq!((empty.newest_entry, empty.entries.len()), (0, 0));
    assert!(
        d.customer_messages(Some(MessagesFrom::AfterEntry(0)), 10)
            .unwrap()
            .entries
            .is_empty()
    );
    let org = raw_org(&mut *d, ACME);
    let t1 = raw_ticket(&mut *d, org, "one", t0());
    let t2 = raw_ticket(&mut *d, org, "two", t0());
    let entry = |ticket_id, role, author, minutes| EntryInsert {
        ticket_id,
        kind: EntryKind::Reply,
        role,
        author,
        body: "text",
        at: at(minutes),
    };
    let (c1, e1, c2, auto, c3, e2) = write(&mut *d, |tx| {
        let c1 = tx.insert_entry(&entry(t1, AuthorRole::Customer, "a@x.example", 1))?;
        let e1 = tx.insert_entry(&entry(t1, AuthorRole::Engineer, "alice", 2))?;
        let c2 = tx.insert_entry(&entry(t2, AuthorRole::Customer, "b@x.example", 3))?;
        let auto = tx.insert_entry(&entry(t2, AuthorRole::Customer, "b@x.example", 4))?;
        tx.insert_mail(&MailRecord {
            message_id: "auto-1@x.example",
            direction: MailDirection::In,
            ticket_id: Some(t2),
            entry_id: Some(auto),
            triage_id: None,
            from_address: Some("b@x.example"),
            subject: Some("Out of office"),
            auto: Some("auto-submitted: auto-replied"),
            at: at(4),
        })?;
        let c3 = tx.insert_entry(&entry(t1, AuthorRole::Customer, "a@x.example", 5))?;
        let e2 = tx.insert_entry(&entry(t2, AuthorRole::Engineer, "bob", 6))?;
        Ok((c1, e1, c2, auto, c3, e2))
    })
    .unwrap();
    let got = |after, limit| {
        let news = d
            .customer_messages(Some(MessagesFrom::AfterEntry(after)), limit)
            .unwrap();
        assert_eq!(news.newest_entry, e2, "the newest entry of any kind");
        news.entries
            .iter()
            .map(|e| (e.entry_id, e.ticket_id))
            .collect::<Vec<_>>()
    };
    // Newest first; engineers' entries and autoreplies left out.
    assert_eq!(got(0, 10), vec![(c3, t1), (c2, t2), (c1, t1)]);
    assert_eq!(got(0, 1), vec![(c3, t1)], "the newest alone");
    assert_eq!(got(e1, 10), vec![(c3, t1), (c2, t2)]);
    assert_eq!(got(c2, 10), vec![(c3, t1)]);
    assert_eq!(got(auto, 10), vec![(c3, t1)]);
    assert!(got(c3, 10).is_empty() && got(e2, 10).is_empty());
    // Since an instant (inclusive), newest first, with when each was written; the autoreply
    // at minute 4 is left out here too.
    let since = |minutes, limit| {
        d.customer_messages(Some(MessagesFrom::Since(at(minutes))), limit)
            .unwrap()
            .entries
            .iter()
            .map(|e| (e.entry_id, e.ticket_id, e.at))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        since(0, usize::MAX),
        vec![(c3, t1, at(5)), (c2, t2, at(3)), (c1, t1, at(1))]
    );
    assert_eq!(since(3, usize::MAX), vec![(c3, t1, at(5)), (c2, t2, at(3))]);
    assert_eq!(since(4, usize::MAX), vec![(c3, t1, at(5))]);
    assert_eq!(since(0, 1), vec![(c3, t1, at(5))], "the newest alone");
    assert!(since(6, usize::MAX).is_empty());
    // Where things stand, for a watcher that starts now: the newest entry, no messages.
    let start = d.customer_messages(None, 10).unwrap();
    assert_eq!((start.newest_entry, start.entries.len()), (e2, 0));
    // The assignee is the ticket's, as it is now.
    write(&mut *d, |tx| tx.claim_if_unassigned(t1, "alice", at(7))).unwrap();
    let now = d
        .customer_messages(Some(MessagesFrom::AfterEntry(c2)), 10)
        .unwrap()
        .entries;
    assert_eq!(now[0].assignee.as_deref(), Some("alice"));
}

/// Issue 15: mail history leaves the store for `export` table by table (triage, messages,
/// attachments, quarantine, outbox), each by id, with entries named by their ticket and place
/// in its conversation (by time, then id), and `insert_mail_row` writes such rows back.
pub fn mail_history_rows_export_by_position_and_insert_back(b: &dyn Backend) {
    use tuidesk::store::{ExportRecord, MailCell, MailRow, MailTable};
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let t = raw_ticket(&mut *s, org, "one", t0());
    let entry = |body: &'static str, minutes: i64| EntryInsert {
        ticket_id: t,
        kind: EntryKind::Reply,
        role: AuthorRole::Customer,
        author: "zoe@acme.example",
        body,
        at: at(minutes),
    };
    // The second entry written is the first of the conversation (earlier in time).
    let (later, earlier) = write(&mut *s, |tx| {
        Ok((
            tx.insert_entry(&entry("later", 10))?,
            tx.insert_entry(&entry("earlier", 5))?,
        ))
    })
    .unwrap();
    assert!(earlier > later);
    let text = |v: &str| MailCell::Text(v.to_string());
    let triage = |id: i64| MailRow {
        table: MailTable::Triage,
        id,
        cells: vec![
            text("t-1@x"),
            MailCell::Null,
            text("who@x.example"),
            text("Help"),
            text("body"),
            MailCell::Null,
            MailCell::Int(ts(at(1))),
            text("waiting"),
            MailCell::Null,
            MailCell::Null,
            MailCell::Null,
            MailCell::Null,
        ],
    };
    let message = |entry: MailCell, triage: MailCell| MailRow {
        table: MailTable::Messages,
        id: 0,
        cells: vec![
            text("m-1@x"),
            text("in"),
            MailCell::Int(t),
            entry,
            triage,
            text("zoe@acme.example"),
            text("Re: one"),
            MailCell::Null,
            MailCell::Int(ts(at(5))),
        ],
    };
    let raw: Vec<u8> = (0..=255u8).collect();
    let quarantine = MailRow {
        table: MailTable::Quarantine,
        id: 0,
        cells: vec![
            MailCell::Int(ts(at(2))),
            text("no sender"),
            MailCell::Bytes(raw.clone()),
        ],
    };
    let triage_id = write(&mut *s, |tx| {
        // Written out of table order: the export puts them in order.
        tx.insert_mail_row(&quarantine)?;
        let id = tx.insert_mail_row(&triage(0))?;
        tx.insert_mail_row(&message(MailCell::Int(earlier), MailCell::Int(id)))?;
        Ok(id)
    })
    .unwrap();
    let mut rows = Vec::new();
    s.export_snapshot(t0(), &mut |rec| {
        if let ExportRecord::Mail(row) = rec {
            rows.push(row);
        }
        Ok(())
    })
    .unwrap();
    let tables: Vec<MailTable> = rows.iter().map(|r| r.table).collect();
    assert_eq!(
        tables,
        [
            MailTable::Triage,
            MailTable::Messages,
            MailTable::Quarantine
        ]
    );
    assert_eq!(rows[0], triage(triage_id));
    assert_eq!(
        rows[1].cells,
        message(
            MailCell::EntryAt {
                ticket_id: t,
                index: 0
            },
            MailCell::Int(triage_id)
        )
        .cells
    );
    assert_eq!(rows[2].cells, quarantine.cells);
    // An entry still named by its place is refused: the caller resolves it first.
    let unresolved = message(
        MailCell::EntryAt {
            ticket_id: t,
            index: 0,
        },
        MailCell::Null,
    );
    assert!(write(&mut *s, |tx| tx.insert_mail_row(&unresolved)).is_err());
}
