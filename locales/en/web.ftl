# The HTTP service (crates/qorgau-web).

problem-title = { $status ->
    [400] Malformed request
    [401] Sign-in required
    [403] Not allowed
    [404] Not found
    [409] Not possible now
    [422] Invalid input
    [429] Too many attempts
   *[other] Internal error
}
problem-invalid-fields = { $count ->
    [one] One field is invalid; nothing was recorded.
   *[other] { $count } fields are invalid; nothing was recorded.
}
problem-refused = The application cannot be considered as it is; nothing was recorded. The reasons are listed with each field.
problem-malformed-json = The request body is not valid JSON of the expected shape (line { $line }, column { $column }): { $detail }
problem-field-required = “{ $field }” is required.
problem-field-invalid = “{ $field }” has a value that is not allowed here.
problem-unauthenticated = Sign in first: send Authorization: Bearer with a valid token or key.
problem-forbidden = Your role may not do this.
problem-not-found = Nothing here. If you are following an application, check the case number and the access code.
problem-internal = Something went wrong on our side; nothing you sent was lost. Please try again in a minute.
problem-evidence-damaged = The stored evidence file no longer matches its fingerprint, so it is not served. The operators have been told; a backup copy will be restored.
problem-too-many-requests = Too many failed attempts. Try again in { $seconds } seconds.
problem-concurrent-change = The case changed while your request was being handled. Please try again.
timeline-event = { $event ->
    [application_received] Application received
    [application_refused] Application refused consideration
    [application_registered] Application registered for the expert group
    [review_started] The expert group took up the application
    [review_extended] Consideration extended
    [extension_notice_sent] You were told of the extension
    [decision_made] The expert group decided
    [order_issued] Removal order issued to the owner of the Internet resource
    [order_delivered] The removal order reached the owner
    [order_acknowledged] The owner acknowledged the order
    [removal_reported] The owner reported removal
    [removal_verified] Removal checked
    [order_not_complied] The owner did not comply in time
    [escalation_step_taken] Enforcement step taken
    [referred_to_law_enforcement] Referred to law enforcement
    [response_sent] Response sent to you
    [case_closed] Case closed
    [evidence_captured] Qorgau saved a copy of the reported page as evidence
    [evidence_uploaded] A file was kept as evidence, byte for byte
    [capture_failed] Qorgau could not save a copy of the reported page (it will try again if it can)
    [removal_rechecked] Qorgau checked the page again to see whether the content is gone
   *[other] { $event }
}
# An instant in words, in Almaty time ($month: jan … dec).
when-in-words = { $day } { $month ->
    [jan] January
    [feb] February
    [mar] March
    [apr] April
    [may] May
    [jun] June
    [jul] July
    [aug] August
    [sep] September
    [oct] October
    [nov] November
   *[dec] December
} { $year }, { $time }
problem-malformed-multipart = The request body is not valid multipart/form-data: { $detail }
