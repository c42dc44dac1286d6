# Evidence: receipts, the transparency log and web capture (crates/qorgau-evidence).

## Receipt verification (`qorgau receipt verify`)
evidence-receipt-valid = The receipt is valid: { $digest } ({ $kind }, captured { $captured }) is entry { $index } of the log { $origin }, whose signed checkpoint covers { $size } entries.
evidence-receipt-invalid = The receipt is NOT valid: { $reason }
evidence-receipt-unreadable = Cannot read the receipt { $path }: { $detail }
evidence-public-key-required = The receipt does not carry the log's public key: give it with --public-key KEY, where KEY is the key text (name+hash+key) or a file holding it. It is published at /api/v1/log/public-key.
evidence-public-key-invalid = The public key is not valid: { $detail }
evidence-receipt-malformed = The file is not a receipt (damaged or truncated?): { $detail }
evidence-receipt-unsupported-format = The receipt format “{ $format }” is not supported by this version.
evidence-checkpoint-malformed = The receipt's signed checkpoint is malformed: { $detail }
evidence-checkpoint-wrong-key = The checkpoint is not signed by the key { $key }: the receipt comes from another log, or its signature was replaced.
evidence-checkpoint-signature-invalid = The checkpoint's signature does not match its content: the checkpoint was altered or forged.
evidence-checkpoint-origin-mismatch = The checkpoint is for the log “{ $found }”, but the key belongs to the log “{ $expected }”.
evidence-entry-malformed = The logged entry in the receipt is malformed: { $detail }
evidence-entry-mismatch = The receipt's field “{ $field }” differs from the entry recorded in the log: the receipt was altered.
evidence-proof-malformed = The inclusion proof is malformed: { $detail }
evidence-index-out-of-range = Entry { $index } cannot be in a log of { $size } entries.
evidence-proof-invalid = The inclusion proof does not lead to the checkpoint's root hash: the entry, its position or the proof was altered.
evidence-receipt-key-from-receipt = The key was taken from the receipt itself: { $key } (fingerprint { $fingerprint }). A receipt cannot vouch for its own key — compare it with the log's published key (/api/v1/log/public-key), or check again with --public-key.
evidence-receipt-key-mismatch = The receipt names the log key { $receipt_key }, not the key it is checked with ({ $key }): the receipt was altered.
evidence-receipt-key-malformed = The log key written in the receipt is not a valid key: { $detail }

## Capture failures (the reason recorded with a failed capture)
evidence-capture-invalid-url = “{ $url }” is not an address that can be captured.
evidence-capture-scheme = Only http and https addresses are captured, not “{ $scheme }”.
evidence-capture-port = Port { $port } is not captured (only 80 and 443, unless the service allows others).
evidence-capture-dns = The site's name could not be resolved: { $detail }
evidence-capture-refused-address = { $host } leads to { $address }, an internal or reserved address; it is never fetched.
evidence-capture-timeout = The site did not answer in time.
evidence-capture-connect = Could not connect to the site: { $detail }
evidence-capture-tls = The secure connection (TLS) failed: { $detail }
evidence-capture-too-many-redirects = The site redirected more than { $limit } times.
evidence-capture-protocol = The site's answer is not valid HTTP: { $detail }
evidence-capture-store = The capture could not be stored: { $detail }

## Problems of a capture that was still saved
evidence-problem-http-status = The site answered with HTTP status { $status } (for example a login wall or an error page).
evidence-problem-too-large = The page is larger than the limit; its beginning was saved.
evidence-problem-timeout = The page was still loading at the time limit; what arrived was saved.
evidence-problem-disconnected = The connection broke while the page was loading; what arrived was saved.
evidence-problem-decompression-limit = The compressed page unpacks to more than the limit (a possible decompression bomb); it was saved as sent.
