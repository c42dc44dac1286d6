# Pursuit indicators over one actor's timeline towards one child
# (crates/qorgau-domain/src/pursuit.rs). They suggest; the expert group decides.

pursuit-indicator-repeated-contact = Repeated unwanted contact
pursuit-indicator-cross-channel = Contact across platforms or channels
pursuit-indicator-new-accounts-after-block = New accounts after blocking or reporting
pursuit-indicator-monitoring = Signs of monitoring or tracking
pursuit-indicator-offline-spill = Pursuit spilling into offline life

pursuit-finding-repeated-contact = Unwanted contact on { $measured } distinct days within { $within } days (threshold { $threshold }); it rests on { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}.
pursuit-finding-cross-channel = Unwanted contact on { $measured } platforms or channels (threshold { $threshold }); it rests on the first contact in each.
pursuit-finding-new-accounts-after-block = { $measured ->
    [one] { $measured } new account
   *[other] { $measured } new accounts
} began contact within { $within } days after an account was blocked or reported (threshold { $threshold }).
pursuit-finding-monitoring = { $measured ->
    [one] { $measured } entry shows
   *[other] { $measured } entries show
} knowledge of the child's location or routine, location sharing or tracking apps (threshold { $threshold }).
pursuit-finding-offline-spill = { $measured ->
    [one] { $measured } entry reaches
   *[other] { $measured } entries reach
} into offline life: the school, the home, in person (threshold { $threshold }).
pursuit-suggestion = Suggested category: cyberstalking. One person — { $person } (accounts: { $accounts }) — contacted the child on: { $platforms }; period: { $from } – { $to } ({ $days } days); { $count ->
    [one] { $count } indicator fired
   *[other] { $count } indicators fired
}. The expert group decides and records why.
