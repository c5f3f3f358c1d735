//! The store contract: what every backend of `tuidesk::store::Store` must do, checked the
//! same way for each. The tests use only the port (`Store`, `StoreTx`, neutral types and
//! errors) and the use cases on top of it (`tuidesk::desk::Desk`), with a fixed clock
//! (every instant is a parameter, see `fixture::t0`) and no sleeps.
//!
//! Each area module (`tickets`, `listing`, `search`, …) holds plain functions taking
//! `&dyn Backend`; `contract_tests!` turns every one of them into a `#[test]` for one
//! backend, named `<backend>::<area>::<test>` (`cargo test --test contract sqlite::search`).
//!
//! # Adding a backend
//!
//! 1. Implement [`backend::Backend`] for it: `setup` (per test: a scratch schema or
//!    database server connection), `name`, `open` (a fresh empty database, opened the way
//!    the program opens it, with `fixture::policies()`) and `connect` (another handle on a
//!    database `open` made, by its `Store::location()`).
//! 2. Add one line below, e.g.
//!    `contract_tests!(#[ignore = "needs TUIDESK_TEST_POSTGRES"] postgres, PostgresBackend);`
//!    (attributes before the name go on every generated test: `#[ignore]` for a backend
//!    that needs a server, run with `cargo test --test contract -- --ignored`).
//!
//! A new test is a `pub fn name(b: &dyn Backend)` in its area module plus its name in the
//! list inside `contract_tests!`; an unlisted test is dead code, which clippy refuses.
//!
//! SQLite-only checks (PRAGMAs, file modes, WAL, index choice) stay in `tests/store.rs`.

mod backend;
mod fixture;

use backend::{PostgresBackend, SqliteBackend};

mod atomicity;
mod changes;
mod desk_tickets;
mod drafts;
mod events;
mod listing;
mod mail;
mod maintenance;
mod orders;
mod orgs;
mod pending;
mod report;
mod search;
mod sla;
mod tags_merge;
mod tickets;
mod transfer;
mod watch;

/// `contract_tests!($(#[attr])* module_name, BackendType)`: every contract test for one
/// backend, in a module of that name.
macro_rules! contract_tests {
    (@areas $attrs:tt; $($area:ident: [$($test:ident),* $(,)?]),* $(,)?) => {
        $(
            mod $area {
                $( contract_tests!(@test $attrs $area::$test); )*
            }
        )*
    };
    (@test { $(#[$attr:meta])* } $area:ident :: $test:ident) => {
        $(#[$attr])*
        #[test]
        fn $test() {
            // A server backend without a server skips with a note, except under CI=true.
            let Some(backend) =
                <super::ContractBackend as crate::backend::Backend>::setup_or_skip()
            else {
                return;
            };
            crate::$area::$test(&backend);
        }
    };
    ($(#[$attr:meta])* $name:ident, $backend:ty) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            type ContractBackend = $backend;
            contract_tests!(@areas { $(#[$attr])* };
                tickets: [
                    inserted_ticket_reads_back_every_field,
                    entries_read_back_in_time_order,
                    update_ticket_patches_one_field_each,
                    claim_if_unassigned_takes_only_a_free_ticket,
                    pauses_open_and_close_as_read_back,
                    sla_columns_are_stored_and_read_back,
                    active_and_open_ticket_ids,
                    missing_ids_are_not_found,
                ],
                events: [events_are_recorded_with_subject_and_actor_source],
                drafts: [
                    drafts_save_replace_delete_and_list,
                    drafts_survive_reopening,
                    desk_drafts_empty_text_discards,
                    sending_clears_only_the_senders_draft_of_that_kind,
                    shared_reply_templates_save_replace_list_and_remove,
                ],
                listing: [
                    every_sort_pages_forward_and_back_by_key,
                    counts_match_listings_and_follow_the_clock,
                    patches_move_tickets_in_the_sorts,
                ],
                search: [
                    search_finds_words_in_every_script,
                    search_reaches_conversation_entries_and_limits,
                    search_refuses_bad_queries_with_typed_errors,
                    search_ranks_within_the_newest_matches,
                    search_ranks_entries_within_the_newest_matches,
                ],
                sla: [
                    sla_inputs_many_come_in_the_order_asked,
                    desk_keeps_stored_columns_true_through_a_ticket_life,
                    a_met_first_response_survives_a_later_raise,
                ],
                orgs: [
                    org_rows_insert_update_and_count_links,
                    org_use_cases_audit_and_recompute_open_tickets,
                    org_rules_are_typed_errors_and_change_nothing,
                ],
                orders: [
                    order_rows_insert_change_and_read_back,
                    prior_orders_are_the_organizations_own,
                    order_list_filters_and_order,
                    order_use_cases_run_their_rules_on_what_the_store_holds,
                ],
                report: [
                    month_tickets_take_created_or_resolved_in_half_open_bounds,
                    monthly_report_counts_the_month_in_the_organizations_zone,
                ],
                desk_tickets: [
                    create_ticket_stores_row_audit_and_targets,
                    engineer_reply_meets_first_response_and_opens,
                    status_severity_and_assignee_changes_are_audited,
                    stale_version_is_refused_naming_who_changed_what,
                    claims_race_and_exactly_one_wins,
                ],
                changes: [
                    location_names_the_same_database,
                    change_token_moves_with_others_writes_only,
                    a_heartbeat_is_not_a_change,
                    second_handle_writes_are_visible_both_ways,
                ],
                atomicity: [
                    an_error_from_the_body_rolls_back_every_primitive,
                    changes_to_existing_rows_roll_back_too,
                    a_failing_primitive_rolls_back_what_came_before_it,
                    refused_use_cases_write_nothing,
                ],
                transfer: [
                    export_import_export_is_identical,
                    a_bad_import_line_imports_nothing,
                    a_large_import_is_read_again_and_keeps_follow_ups,
                    generated_data_loads_the_same_in_bulk_and_row_by_row,
                ],
                maintenance: [maintenance_when_offered_checks_and_backs_up],
                mail: [
                    contacts_add_remove_and_find_the_senders_organization,
                    messages_thread_by_message_id_with_attachments,
                    triage_waits_until_filed_or_discarded,
                    quarantine_keeps_raw_bytes,
                    mail_history_rows_export_by_position_and_insert_back,
                    outbox_queues_retries_and_records_delivery,
                    delivered_mail_opens_follows_up_and_triages,
                    customer_messages_lists_the_newest_after_a_mark_or_since_an_instant,
                ],
                tags_merge: [
                    tags_are_added_removed_audited_and_filtered,
                    merge_moves_the_conversation_and_keeps_the_target_timers,
                    merge_refusals_change_nothing,
                    tags_and_merges_survive_export_and_import,
                ],
                watch: [
                    alerts_are_claimed_once_and_watch_reads_what_is_due,
                    presence_heartbeats_refresh_expire_and_leave,
                    tickets_many_reads_in_the_order_asked,
                ],
                pending: [
                    pending_rows_insert_take_once_and_list_by_owner,
                    a_deferred_reply_is_sent_only_when_applied_and_once,
                    undo_gives_a_reply_back_and_a_refused_apply_keeps_it,
                    two_handles_applying_one_action_apply_it_once,
                ],
            );
        }
    };
}

contract_tests!(sqlite, SqliteBackend);
// A fresh database per store on the server `TUIDESK_TEST_PG` names (`.ci/run` starts one;
// locally `eval "$(scripts/pg-test-cluster.sh start)"`).
contract_tests!(postgres, PostgresBackend);
