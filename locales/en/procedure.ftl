# The procedure's refusals of commands (crates/qorgau-domain/src/procedure/command.rs).

phase-name = { $phase ->
    [received] received
    [refused] refused
    [registered] registered, waiting for the expert group
    [under_review] under review by the expert group
    [not_confirmed] decided: not confirmed
    [confirmed] decided: confirmed
   *[closed] closed
}
order-status-name = { $status ->
    [issued] issued
    [delivered] delivered
    [acknowledged] acknowledged
    [removal_reported] removal reported
    [removed] removed
    [not_complied] not complied
   *[escalated] escalated
}
role-name = { $who ->
    [coordinator] the coordinator
    [chair] the chair of the expert group (or the deputy)
    [expert] a member of the expert group
    [expert_group] the expert group
    [coordinator_or_chair] the coordinator or the chair
   *[addressee_or_coordinator] the order’s addressee or the coordinator
}

procedure-wrong-phase = This cannot be done now: the case is { phase-name }.
procedure-already-decided = The decision was already made on { $date } (Almaty time).
procedure-not-allowed = Only { role-name } may do this.
procedure-extension-not-provided = The legal regime { $regime } provides no extension of the time for consideration.
procedure-already-extended = Consideration was already extended, to { $date }; it can be extended once.
procedure-extension-too-long = Consideration may be extended to { $date } at the latest (15 calendar days from receipt).
procedure-extension-too-short = The extension must end after the current deadline, { $date }.
procedure-extension-too-late = The deadline for consideration ({ $date }) has passed; it can no longer be extended.
procedure-no-extension = Consideration was not extended, so there is no extension notice to send.
procedure-notice-already-sent = The applicant was already told of the extension.
procedure-reason-required = Give the { $field }: the record must say why.
procedure-vote-category-mismatch = A vote to confirm names the category (cyberbullying, cyberstalking or criminal); a vote not to confirm takes the category “none”.
procedure-indicators-without-criminal = Criminal indicators go with the category “criminal”.
procedure-not-systematic = Cyberbullying is systematic: two or more times. The record holds { $incidents } incident(s) (this case and cases sharing an account or resource). To confirm anyway, record the expert group’s reason.
procedure-order-needs-confirmed-decision = An order needs a confirmed decision of the expert group.
procedure-url-not-in-case = { $url } is not among the Internet resources of this case.
procedure-url-already-ordered = { $url } is already in order { $order }.
procedure-nothing-to-order = Every Internet resource of this case already has an order.
procedure-unknown-order = There is no order { $order } in this case.
procedure-order-wrong-status = Order { $order } is { order-status-name }: this step does not apply to it.
procedure-time-in-future = A time in the future cannot be recorded as having happened.
procedure-removal-not-due = The removal deadline, { $date } (Almaty time), has not passed yet.
procedure-ladder-exhausted = Every step of the escalation ladder has already been taken.
procedure-escalation-not-due = The next escalation step is due at { $date } (Almaty time); to act earlier, give the reason.
procedure-escalation-paused = The escalation ladder of order { $order } is paused.
procedure-escalation-not-paused = The escalation ladder of order { $order } is not paused.
procedure-referral-not-warranted = A referral to law enforcement needs a confirmed decision of cyberstalking or with criminal indicators.
procedure-already-referred = The case was already referred to law enforcement.
procedure-response-already-sent = The response was already sent to the applicant.
procedure-response-before-outcome = The response reports the outcome of consideration, and there is none yet.
procedure-not-ready-to-close = The case cannot be closed yet: { $why ->
    [response_not_sent] the applicant has not been answered.
   *[orders_open] an order is still open (not removed and not fully escalated).
}
