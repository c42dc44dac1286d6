# Delivery of orders and letters: webhooks and e-mail (crates/qorgau-delivery).

## Registering a webhook endpoint (PUT /api/v1/owner/webhook)
delivery-webhook-url-invalid = The webhook address is not a valid absolute URL. Give the full address, for example https://hooks.example.kz/qorgau.
delivery-webhook-url-too-long = The webhook address is longer than { $limit } characters.
delivery-webhook-url-not-https = The webhook address must start with https:// (not “{ $scheme }”): orders are sent only over an encrypted connection.
delivery-webhook-url-credentials = The webhook address must not contain a user name or password. Verify our messages by their signature instead.
delivery-webhook-url-fragment = The webhook address must not contain a fragment (the part after “#”).
delivery-webhook-url-no-host = The webhook address names no host.
delivery-webhook-url-private-address = The webhook address points to { $address }, an internal or reserved address; webhooks are sent only to public addresses.

## Webhook secrets
delivery-secret-prefix = A webhook secret starts with “whsec_”.
delivery-secret-encoding = The webhook secret is damaged: the part after “whsec_” is not valid base64.
delivery-secret-length = The webhook secret has { $length } bytes; 24 to 64 are accepted.
delivery-secret-randomness = A webhook secret could not be generated: the system gave no randomness ({ $detail }).

## Why a webhook was not delivered (the attempts list and the dead-letter list)
delivery-webhook-no-secret = No signing secret is active for this endpoint, so nothing was sent.
delivery-webhook-timeout = The endpoint did not answer in time.
delivery-webhook-connect = Could not connect to the endpoint: { $detail }
delivery-webhook-protocol = The endpoint's answer is not valid HTTP: { $detail }
delivery-webhook-redirect = The endpoint answered with a redirect ({ $status } to “{ $location }”); redirects are not followed. The owner should register the new address.
delivery-webhook-too-many-requests = The endpoint asked us to slow down (HTTP 429).
delivery-webhook-server-error = The endpoint failed with HTTP status { $status }.
delivery-webhook-client-error = The endpoint refused the message with HTTP status { $status }.

## Why a letter was not delivered
delivery-mail-invalid-recipient = “{ $address }” is not a valid e-mail address.
delivery-mail-invalid-letter = The letter could not be composed: { $detail }
delivery-mail-refused = The mail server refused the letter for good ({ $code }): { $detail }
delivery-mail-deferred = The mail server deferred the letter for now ({ $code }): { $detail }
delivery-mail-timeout = The mail server did not answer in time.
delivery-mail-tls = The secure connection (TLS) to the mail server failed: { $detail }
delivery-mail-connect = Could not talk to the mail server: { $detail }
