# Legal regimes, the expert group's decision rule, and case categories
# (crates/qorgau-domain/src/regime.rs, category.rs).

## Regimes

regime-none-in-force = No procedure for cyberbullying applications was in force on { $date }. Check the date the application was received: Qorgau handles applications received from 8 September 2022.
regime-unknown = There is no legal regime “{ $id }”. Check the regime identifier.

## The expert group's decision rule

decision-rule-no-quorum = The expert group has no quorum: { $present } members are present and at least { $required } are needed. Postpone the vote until enough members attend.
decision-rule-no-votes = No votes were recorded. Record the vote of every member present.
decision-rule-empty-group = The expert group has no members. Appoint its members before voting.
decision-rule-votes-exceed-attendance = { $votes } votes were recorded but only { $present } members are present. Each member present votes once.
decision-rule-attendance-exceeds-group = { $present } members are recorded as present, but the group has only { $members }. Correct the attendance.
decision-rule-several-chair-votes = { $count } votes are marked as the chair's. Only the member presiding (the chair or, in the chair's absence, the deputy) casts the chair's vote.
decision-rule-tie-without-chair-vote = The votes are tied ({ $votes } for, { $votes } against) and the presiding member's vote, which decides a tie, was not recorded. Record the presiding member's vote.

## Case categories

category-cyberbullying = Cyberbullying
category-cyberstalking = Cyberstalking
category-criminal = Signs of a crime
category-none = No category (facts not confirmed)

## Signs of a crime

criminal-indicator-incitement-to-suicide-or-self-harm = Incitement to suicide or self-harm
criminal-indicator-sexual-coercion-or-grooming = Sexual coercion or grooming of a child
criminal-indicator-threat-to-life-or-health = Threat to life or health
criminal-indicator-disclosure-of-private-or-family-secrets = Disclosure of private or family secrets
