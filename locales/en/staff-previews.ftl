# The staff case page's previews before acting (the orders a confirmed
# decision issues, the response letter) and the chair's extension form.
staff-draft-orders-heading = Orders a confirmed decision issues at once (preview)
staff-draft-orders-intro = Nothing is recorded until the decision. The drafts have no number and no verification code: the orders get them when the decision issues them.
staff-draft-order-title = Order to { $owner }
staff-draft-order-owner = Resource owner
staff-draft-order-urls = Content to remove
staff-draft-order-basis = Legal basis
staff-draft-order-deadline = Removal within { $hours } hours of the order’s receipt (the clock starts when the order is delivered).
staff-draft-order-pdf = Draft order (PDF, Kazakh and Russian)
staff-draft-order-html = Draft order (HTML)
staff-response-preview-heading = The letter to the applicant (preview, in the case’s language)
staff-response-preview-intro = Read the letter before recording that it was sent.
staff-extension-heading = Extend consideration (the chair)
staff-extension-hint = At most { $max_days } calendar days from receipt, by a reasoned decision; the applicant is told within { $notice_days } working days.
staff-extension-until = Extend until (YYYY-MM-DD)
staff-extension-reason = Reason for the extension
staff-extension-submit = Extend consideration
staff-extension-reason-required = Give the reason for the extension.
staff-extension-errors = The extension was not recorded
