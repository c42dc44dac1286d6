# Chat exports: `qorgau import chat` (crates/qorgau-chat, crates/qorgau/src/commands/chat.rs).

## Where a record is in the export.

chat-ref = { $kind ->
    [id] message { $number }
    [position] element { $number } of “messages”
   *[line] line { $number }
}

## The preview.

chat-summary-format = { $format ->
    [telegram] Telegram chat export (JSON)
    [whatsapp] WhatsApp chat export (text)
   *[text] Pasted chat text
}
chat-summary-chat-name = Chat: { $name }
chat-summary-messages = { $messages ->
    [one] { $messages } message
   *[other] { $messages } messages
} from { $senders ->
    [one] { $senders } sender
   *[other] { $senders } senders
}
chat-summary-period = From { $first } to { $last } ({ $zone } time)
chat-summary-no-times = The messages carry no times.
chat-summary-without-time = { $count ->
    [one] { $count } message has
   *[other] { $count } messages have
} no time.
chat-summary-senders = Senders:
chat-summary-sender = { $name }: { $messages }
chat-summary-skipped = Skipped: { $count }. Every record not read is accounted for here:
chat-summary-nothing-skipped = Nothing was skipped.
chat-summary-assumed = Assumed, because the export does not say:
chat-summary-signals = Signals to help reading (they decide nothing; each names the lexicon entry that matched):
chat-summary-signal-count = { $category }: { $count }
chat-summary-signal = { $where }, { $category }: “{ $matched }” ({ $source })
chat-summary-signals-more = … and { $count } more.
chat-summary-no-signals = No signals found.
chat-summary-not-stored = This is a preview: nothing was stored.

## Why records were skipped ($count of them; the first is at $kind/$number).

chat-skip-service-message = Telegram service records (joins, pins, title changes), not messages by a person: { $count }; first: { chat-ref }
chat-skip-system-line = WhatsApp system lines (encryption notice, members added or left), with no sender: { $count }; first: { chat-ref }
chat-skip-no-sender = Messages without a sender's name or account: { $count }; first: { chat-ref }
chat-skip-no-time = Messages without a date: { $count }; first: { chat-ref }
chat-skip-bad-time = Messages with a date or time that does not exist: { $count }; first: { chat-ref }
chat-skip-not-an-object = Elements of “messages” that are not messages: { $count }; first: { chat-ref }
chat-skip-unknown-type = Records of a type this version does not know (a newer export?): { $count }; first: { chat-ref }
chat-skip-not-utf8 = Messages with bytes that are not UTF-8 (another encoding mixed in): { $count }; first: { chat-ref }
chat-skip-too-long = Lines or messages longer than 1 MiB, more than any messenger allows: { $count }; first: { chat-ref }
chat-skip-cannot-place = Lines that belong to no message (text before the first message): { $count }; first: { chat-ref }

## What was assumed.

chat-assumed-local-time = times written without a time zone were read as { $zone } time.
chat-assumed-date-order = dates such as 3/6/24 were read { $order ->
    [day_first] day first (3 June)
   *[month_first] month first (6 March)
}{ $basis ->
    [given] , as --date-order says.
    [sequence] : that order keeps the messages in time order.
   *[default] : nothing in the file tells, so this is the usual order of its locale. Check a date; --date-order changes it.
}

## Signal categories.

chat-signal-insult = insult
chat-signal-threat = threat
chat-signal-sexual = sexual content
chat-signal-self-harm = incitement to self-harm
chat-signal-tracking = monitoring or tracking
chat-signal-offline = pursuit offline
chat-signal-doxxing = personal data (doxxing)
chat-signal-match = { $category } ({ $source }: { $term })

## Files that cannot be read: nothing of them is kept.

chat-error-io = The file could not be read ({ $detail }) after { $read } messages. Nothing was imported.
chat-error-truncated = The file ends in the middle of the export (line { $line }, column { $column }), after { $read } messages: it is incomplete — a download or copy that stopped early. Nothing was imported; export the chat again.
chat-error-malformed = The file is not valid JSON at line { $line }, column { $column } ({ $detail }), after { $read } messages. Nothing was imported; export the chat again without editing the file.
chat-error-not-utf8 = The file has bytes that are not UTF-8 at line { $line }, column { $column }, after { $read } messages. Nothing was imported; use the file exactly as Telegram wrote it.
chat-error-utf16 = The file is in UTF-16. Save it as UTF-8 and import it again. Nothing was imported.
chat-error-not-an-export = This is not a Telegram chat export: the file has no “messages” list at the top. Use “Export chat history” in Telegram Desktop with the format “Machine-readable JSON”. Nothing was imported.
chat-error-whole-account-export = This is a whole-account Telegram export (“Export Telegram data”), with many chats. Export only the chat concerned: open it in Telegram Desktop, ⋮ → “Export chat history”, format “Machine-readable JSON”. Nothing was imported.
chat-error-nothing-read = No message could be read: all { $skipped } records were skipped (reasons above). Is the --format right? Nothing was imported.
chat-error-time-zone = “{ $zone }” is not a time zone of the tz database; use a name such as Asia/Almaty.
chat-error-lexicon = The signal lexicons could not be loaded: { $detail }
chat-error-import-file = Give a file: qorgau import FILE loads an archive; qorgau import chat FILE --format telegram|whatsapp|text previews a chat export.
