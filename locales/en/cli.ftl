# The command line's own text (crates/qorgau/src).

cli-invalid-fields = The application has { $count ->
    [one] one invalid field
   *[other] { $count } invalid fields
}; nothing was recorded:
cli-store-error = The store failed: { $detail }
cli-verify-broken = The case record is broken at sequence number { $seq } ({ $fault }).
cli-verify-intact = The case record is intact: { $entries } events, head { $head }.
cli-case-not-found = There is no case { $case }.
cli-order-not-found = There is no order { $order } (order numbers look like QG-2026-000001-1).
cli-actor-required = Say who is acting: --as USERNAME, or set QORGAU_USER (see `qorgau staff list`).
cli-unknown-staff = There is no staff member “{ $user }” (see `qorgau staff list`).
cli-staff-inactive = Staff member “{ $user }” is no longer active.
cli-invalid-date = “{ $value }” is not a date: write it as YYYY-MM-DD.
cli-invalid-time = “{ $value }” is not a time: write it as RFC 3339 with an offset, e.g. 2026-12-01T09:30:00+05:00.
cli-file-unreadable = Cannot read { $path }: { $detail }
cli-json-invalid = { $path } is not a valid application (line { $line }, column { $column }): { $detail }
cli-initialized = The store is ready: { $path }
cli-staff-added = Added { $user }.
cli-chair-is-expert = Only a member of the expert group can be its chair: use --role expert with --chair.
cli-bad-username = A username is one word without spaces.
cli-chair-marker = chair
cli-case-created = Case { $case } recorded: { phase-name }.
cli-case-phase = Case { $case }: { phase-name }.
cli-regime = Legal regime: { $regime }
cli-deadline = { deadline-kind-name }: by the end of { $date } (Almaty time; late from { $time }).
cli-provisional = (provisional: that year’s calendar decree is not yet confirmed)
cli-event-recorded = Recorded: { $event }
cli-order-issued = Order { $order } to { $owner }
cli-received = Received { $time } (Almaty time), { $channel }, language: { $language }
cli-pending-deadline = Pending — { deadline-kind-name } { $order }: { $time } (Almaty time), { $left }
cli-extension = Consideration extended to { $date }: { $reason }
cli-resources = Internet resources: { $count }
cli-incidents = Incidents: { $count }
cli-vote = Vote of { $expert }: { $vote }, { $category } — { $reasons }
cli-decision = Decision: { $outcome }, { $category } ({ $time }, Almaty time)
cli-order = Order { $order } to { $owner }: { order-status-name }
cli-timeline = Record:
cli-no-cases = No cases.
cli-board-empty = No pending deadlines.
cli-unknown-state = “{ $value }” is not a case state (received, refused, registered, under_review, not_confirmed, confirmed, closed).
cli-days-left = { $days ->
    [0] due today
    [one] 1 working day left
   *[other] { $days } working days left
}
cli-overdue-days = { $days ->
    [0] overdue
    [one] overdue by 1 working day
   *[other] overdue by { $days } working days
}
cli-days-left-unknown = working days left unknown (no calendar data for that year)
cli-hours-left = { $hours ->
    [one] 1 hour left
   *[other] { $hours } hours left
}
cli-overdue-hours = { $hours ->
    [one] overdue by 1 hour
   *[other] overdue by { $hours } hours
}
deadline-kind-name = { $kind ->
    [decision] Decision of the expert group
    [extension_notice] Notice of the extension to the applicant
    [response] Response to the applicant
    [removal] Removal by the resource owner
   *[escalation] Next escalation step
}
cli-access-code = Access code for the applicant (give it once; it is not stored): { $code }
cli-serving = Qorgau is serving on { $url } (store: { $store }). Stop with Ctrl+C.
cli-stopped = Stopped; every request in flight was finished.
cli-cannot-listen = Cannot listen on { $addr }: { $detail }
cli-demo-seeded = Demo staff, resource owners and cases are ready; their logins (also in { $path }):
cli-demo-existing = The demo was seeded before; its logins (from { $path }):
cli-demo-lost = The demo was seeded before, but { $path } with its logins is gone: use a new data folder.
cli-password-set = New password for { $user } (shown once): { $password }
cli-owner-added = Resource owner { $owner } added. API key (shown once): { $key }

## Evidence: the transparency log, its key and the job worker
cli-log-public-key = The transparency log's public key (give it to `qorgau receipt verify --public-key`): { $key }
cli-log-key-created = A new transparency-log key was created at { $path } (keep it secret and back it up).
cli-verify-log-intact = The transparency log mirrors the record: { $leaves } leaves, { $evidence } of them evidence items, root { $root }.
cli-verify-checkpoint = The latest signed checkpoint covers { $size } leaves, matches the log, and its signature by { $key } is valid.
cli-verify-checkpoint-unchecked = The latest signed checkpoint covers { $size } leaves and matches the log; its signature was not checked (no log key at { $path }).
cli-verify-files-intact = { $files ->
    [one] The one file the record keeps as evidence is in the evidence store and intact ({ $bytes } bytes read).
   *[other] All { $files } files the record keeps as evidence are in the evidence store and intact ({ $bytes } bytes read).
}
cli-verify-files-none = The record keeps no evidence files yet.
cli-verify-files-unchecked = The record keeps { $files } evidence files; they were not checked: there is no evidence store at { $path } (--blobs).
cli-verify-file-missing = Evidence file { $digest } is missing from the evidence store (case { $case }, sequence number { $seq }); { $others } other files are missing or damaged.
cli-verify-file-damaged = Evidence file { $digest } is damaged: its bytes no longer hash to its name (case { $case }, sequence number { $seq }); { $others } other files are missing or damaged.
cli-verify-no-checkpoint = No checkpoint has been signed yet.
cli-verify-statistics-intact = { $days ->
    [0] No cases yet, and no statistics tallies.
    [one] The statistics tallies match the cases of the one day with cases.
   *[other] The statistics tallies match the cases of all { $days } days with cases.
}
cli-verify-statistics-broken = The statistics tallies of { $day } do not match that day's cases, so published figures would be wrong. `qorgau export` and `qorgau import` into a new store rebuild them from the record.
cli-verify-log-broken = The transparency log does not match the record: { $detail }
cli-verify-checkpoint-forged = The latest signed checkpoint ({ $size } leaves) is not validly signed by this log's key: { $detail }
cli-evidence-error = Evidence storage or the log key failed: { $detail }
cli-document-error = A document could not be rendered: { $detail }
cli-outbox-setup = The delivery settings do not work: { $detail }
cli-capture-test-mode = warning: { $setting } is set: evidence capture runs in test mode (tests only).
cli-capture-ports-invalid = QORGAU_CAPTURE_PORTS (--capture-ports) must list port numbers from 1 to 65535 separated by commas, e.g. 80,443,8080; “{ $value }” is not one.
