# The pages (crates/qorgau-web/templates).

page-language = Language
start-title = Report cyberbullying of a child
start-lead = If a child is being humiliated, harassed or intimidated online, you can ask the authorized body to have the content removed. Parents, legal representatives, the child and any citizen may apply. It is free.
start-before = Before you start, have ready
start-need-resource = where it happens: a link to the page, channel, group or account (this is required)
start-need-child = the child’s name and date of birth
start-need-contact = an e-mail address or phone number for the answer
start-rule = The law requires the application to name the Internet resource where the cyberbullying takes place. An application without one cannot be considered.
start-deadlines = An expert group considers the application within 3 working days. If it confirms cyberbullying, the owner of the resource is ordered to remove the content within 24 hours. You get an answer in the language you write in.
start-button = Start now
start-track = Follow an application you have filed
apply-title = Apply: cyberbullying of a child
apply-error-summary = There is a problem
apply-you = About you
apply-applicant-name = Your full name
apply-relation = Who are you to the child?
apply-relation-parent = Parent
apply-relation-legal-representative = Legal representative
apply-relation-child = I am the child
apply-relation-citizen = Another citizen
apply-child = About the child
apply-child-name = The child’s name
apply-child-birth-date = The child’s date of birth
apply-date-hint = For example, 2012-04-15
apply-resources = Where it happens
apply-resources-rule = Name at least one Internet resource: a link to the page, post, channel, group or account. Without it the application cannot be considered (Law “On mass media”).
apply-resource-1 = Link or account
apply-resource-2 = Another link (optional)
apply-resource-3 = Another link (optional)
apply-resource-hint = For example, https://t.me/channel_name or instagram.com/account
apply-incidents = What happened
apply-incidents-hint = Cyberbullying means humiliation, harassment or intimidation repeated two or more times. Describe each time separately.
apply-incident = Incident { $number }
apply-incident-date = When did it happen?
apply-incident-resource = Where (link)?
apply-incident-actor = Which account did it (if known)?
apply-incident-description = What happened?
apply-contact = How we answer you
apply-contact-hint = Give at least one. We write only about this application.
apply-email = E-mail address
apply-phone = Phone number
apply-phone-hint = A Kazakhstan number, for example +7 701 123 45 67
apply-consent = I confirm the information is true and agree that it is processed to consider this application.
apply-consent-required = Confirm the information and agree to its processing.
apply-submit = Send the application
applied-title = Application received
applied-case = Case number
applied-code = Access code
applied-keep-code = Write down the case number and the access code now. You need both to follow the application; the code is shown only once.
applied-next = What happens next
applied-decision-due = The expert group decides by { $date } (Almaty time).
applied-response-due = You will get an answer by { $date } (Almaty time).
applied-what-happens = If cyberbullying is confirmed, the owner of the resource is ordered to remove the content within 24 hours, and we check that it is gone.
track-title = Follow your application
track-case = Case number
track-case-hint = For example, QG-2026-000123
track-code = Access code
track-submit = Show
track-not-found = We could not find an application with this number and code. Check both and try again.
tracked-title = Application { $case }
tracked-received = Received
tracked-decision-due = Decision due
tracked-response-due = Answer due
tracked-timeline = What has happened so far
tracked-evidence = Evidence and receipts
tracked-evidence-lead = Every page we save and every file you attached is entered in a public, tamper-evident log. Its receipt proves when it was entered and that it has not changed since. Keep the receipts: anyone can check them without asking us.
tracked-evidence-none = Nothing has been saved yet. The pages you named are saved shortly after the application is registered; look again later.
tracked-evidence-kind = { $kind ->
    [capture] Saved web page
    [recapture] Page checked again after the removal order
    [upload] File you attached
    [chat] Chat export added by staff
   *[other] File
}
tracked-evidence-file = no. { $number }
tracked-evidence-when = { $kind ->
    [upload] Received { $when }
    [chat] Added { $when }
   *[other] Saved { $when }
}
tracked-evidence-ok = Saved and entered in the log.
tracked-evidence-problem = Saved, but with a problem: { $problem }
tracked-evidence-retrying = Not saved yet: { $reason } We will try again on { $when }.
tracked-evidence-failed = Could not be saved: { $reason }
tracked-evidence-reason = { $reason ->
    [invalid_url] the address cannot be opened.
    [scheme_not_allowed] only http and https addresses are saved.
    [port_not_allowed] only addresses on the usual web ports (80 and 443) are saved.
    [dns] the site could not be found by its name.
    [refused_address] the address leads into an internal network; such addresses are never opened.
    [timeout] the site did not answer in time.
    [connect] the site could not be reached.
    [tls] a secure connection to the site could not be made.
    [too_many_redirects] the site sent us on to other addresses too many times.
    [protocol] the site's answer is not a valid web page.
    [store] it could not be stored on our side.
   *[other] the page could not be saved.
}
tracked-receipt-view = View the receipt
tracked-receipt-download = Download the receipt (JSON)
receipt-title = Evidence receipt
receipt-lead = This receipt proves that the item below was entered in Qorgau's public evidence log at the time shown, and that neither the item nor its entry can be changed or removed without it being noticed. It holds fingerprints, times and log positions only — no names and nothing else about the child — so you can show it to anyone.
receipt-kind = What it is
receipt-item = Item number
receipt-size = Size
receipt-size-bytes = { $size ->
    [one] { $size } byte
   *[other] { $size } bytes
}
receipt-digest = SHA-256 digest (the file's fingerprint)
receipt-digest-hint = Any change to the file, even of a single byte, gives a completely different digest.
receipt-captured = { $kind ->
    [upload] Received
    [chat] Added
   *[other] Saved
} (Almaty time)
receipt-log-index = Entry number in the log
receipt-tree-size = Entries in the log when the receipt was signed
receipt-checkpoint = Signed checkpoint
receipt-checkpoint-hint = The state of the log, signed with its key: the log's name, its number of entries and its root hash, then the signature.
receipt-proof = Inclusion proof: { $count ->
    [one] { $count } hash
   *[other] { $count } hashes
}
receipt-proof-hint = The hashes that lead from this entry to the checkpoint's root hash, starting from the entry's neighbour.
receipt-check = How to check it yourself
receipt-check-lead = You do not have to trust this page or us. The receipt file can be checked on any computer, with no connection to Qorgau:
receipt-check-download = Download the receipt file:
receipt-check-key = Save the log's public key, published at this address, as a file named public-key.txt:
receipt-check-run = Run the Qorgau program's check; it works offline:
receipt-check-valid = If it answers that the receipt is valid, the item with this digest is entry { $index } of the log, and the log's signed checkpoint covers { $size } entries. If a single byte of the file was altered, the check fails and says why.
receipt-print = To keep a paper copy, print this page; the buttons are left out of the print.
receipt-back = Back to the application
staff-login-title = Sign in (staff)
staff-username = Username
staff-password = Password
staff-login-submit = Sign in
staff-login-failed = Wrong username or password.
staff-signed-in = Signed in as { $user }.
staff-logout = Sign out
staff-queue-title = Cases by deadline
staff-col-case = Case
staff-col-status = Status
staff-col-deadline = Next deadline
staff-col-left = Time left
staff-back = Back to the cases
staff-language = Language of the application
staff-decision = Decision
staff-resources = Internet resources
staff-incidents = Incidents
staff-votes = Votes of the expert group
staff-vote = Your vote
staff-vote-confirm = Confirm
staff-vote-not-confirm = Do not confirm
staff-category = Category
staff-reasons = Reasons
staff-vote-submit = Cast the vote
staff-override = Reason to confirm cyberbullying on fewer than two incidents (only if needed)
staff-decide = Record the group’s decision
staff-orders = Orders
staff-respond = Record that the answer was sent
owner-title = Orders for owners of Internet resources
owner-lead = Sign in with the API key the authorized body gave you. You will see the orders addressed to you: what to remove, by when and under which rule.
owner-api-key = API key
owner-login-failed = This API key is not known.
owner-orders-title = Your orders
owner-orders-lead = Remove the content within 24 hours of receiving the order and report it here. Seeing an order on this page counts as receiving it.
owner-no-orders = No orders.
owner-order = Order { $order }
owner-remove = Content to remove
owner-due = Remove by (Almaty time)
owner-basis = Legal basis
owner-acknowledge = Acknowledge receipt
owner-note = Note (optional)
owner-report-removal = Report that the content was removed
staff-applicant = Applicant
staff-register = Register a paper application
staff-received-on = Date stamped on arrival
staff-received-on-hint = Deadlines count from this day. Leave empty for today.
staff-postal-address = Postal address for the answer (paper applications)
staff-verify-result = What does the page show now?
staff-verify-removed = Removed
staff-verify-still-present = Still there
staff-verify-unreachable = Cannot be reached
staff-verify = Record the check
staff-not-complied = Record non-compliance (the deadline passed)
staff-escalate-reason = Reason, if acting before the step is due
staff-escalate = Take the next step: { $step }
escalation-kind-name = { $kind ->
    [reminder] reminder
    [repeated_order] repeated order
    [administrative_offence] administrative offence record
   *[access_restriction_request] request to restrict access
}

## Evidence files on the application form and on the case pages
apply-evidence = Files (optional)
apply-evidence-hint = Up to 5 files: PNG, JPEG, WebP or GIF images, PDF documents, MP4 videos. At most 10 MB each and 25 MB in all. The type is checked from the file's content, not from its name.
apply-evidence-again = If the form comes back with a problem, choose the files again: they are not kept until the application is sent.
apply-evidence-type = A file is not a PNG, JPEG, WebP or GIF image, a PDF or an MP4 video (its content was checked, not its name). Remove it or choose another, then choose the files again.
apply-evidence-too-large = A file is larger than 10 MB. Choose smaller files, then choose the files again.
apply-evidence-total = The files are larger than 25 MB in all. Choose fewer or smaller files, then choose the files again.
apply-evidence-too-many = At most 5 files can be attached. Choose the files again.
evidence-list = Evidence
evidence-none = No evidence yet.
evidence-kind = { $kind ->
    [capture] Capture of the page
    [recapture] Capture taken again
   *[upload] Uploaded file
}
evidence-open = Show the image
evidence-download = Download
staff-show-image = Show (may be distressing)
staff-download = Download
staff-metadata-removed = Shown without its metadata: the location, camera and other details stored in the file were removed from this copy for display. The original is kept unchanged as evidence.
staff-metadata-none = The file had no location, camera or other metadata to remove; it is shown as uploaded. The original is kept unchanged as evidence.
staff-metadata-not-checked = This file has not been checked for metadata (a location, the camera): what is shown or downloaded is the original as uploaded.
staff-download-original = Download the original
people-title = People and resource owners
people-staff = Staff
people-name = Name
people-role = Role
people-role-expert = Expert
people-role-chair = Chair of the expert group
people-role-coordinator = Coordinator
people-new-password = New password
people-add-staff = Add to staff
people-owners = Resource owners
people-owner-key = Owner key
people-owner-key-hint = The platform (telegram, instagram, …) or the website’s host (example.kz): orders are addressed to it.
people-domains = Host names
people-domains-hint = Separated by commas, e.g. t.me, telegram.me
people-add-owner = Add the owner and show its API key
people-invalid = Fill in every field; a username or owner key is one word without spaces.
people-exists = “{ $name }” already exists.
owner-login-throttled = Too many failed sign-ins from this address. Wait a quarter of an hour and try again.
