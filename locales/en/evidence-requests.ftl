# The log's proof routes and staff capture requests (issue 4).

log-proof-beyond-log = The log has { $size } leaves; a tree of { $tree_size } leaves is beyond it.
log-proof-index-out-of-range = Leaf { $index } is not in a tree of { $tree_size } leaves.
log-proof-first-after-second = The first tree ({ $first } leaves) is larger than the second ({ $second }).
log-proof-index-or-evidence = Give either a leaf index (“index”) or an evidence item (“evidence_id”), one of the two.
capture-request-not-a-case-url = This URL is not one the case names; only the case's own URLs are captured.
capture-request-button = Capture now
capture-request-label = Capture a URL of this case now
evidence-screenshot = screenshot
evidence-dom = page as rendered (HTML)
cli-capture-browser-missing = The capture browser cannot be used: { $detail }. Set QORGAU_CAPTURE_BROWSER to Chromium's path, to “auto” or to “off”.
