## Validation: each message names the rule that was broken.
## The API code of a message is its id without "validation-", with "_" for "-".
## Rules and sources: docs/validation.md.

## IIN (Government Decree No. 565 of 11 June 2003)

validation-iin-wrong-length = An IIN has 12 digits; this one has { $length }.
validation-iin-non-digit = An IIN has only digits; character { $position } is “{ $character }”.
validation-iin-invalid-century-digit = The 7th digit of an IIN gives the century of birth and the sex and is 1 to 6; this one is { $digit }.
validation-iin-invalid-birth-date = The first six digits of an IIN are the birth date (YYMMDD); { $digits } is not a date.
validation-iin-checksum-mismatch = The last digit of this IIN does not match the others: a digit is probably mistyped. Please check the number against the document.
validation-iin-checksum-undefined = No IIN is issued with these first 11 digits. Please check the number against the document.

## Phone numbers (Kazakhstan: +7 6xx and +7 7xx)

validation-phone-empty = The phone number is empty.
validation-phone-invalid-character = A phone number has digits, spaces, dashes, parentheses and a leading +; “{ $character }” is not allowed.
validation-phone-wrong-length = A Kazakhstan phone number is +7 or 8 followed by 10 digits; this one has { $digits ->
        [one] { $digits } digit
       *[other] { $digits } digits
    }.
validation-phone-invalid-prefix = A Kazakhstan phone number starts with +7 or 8; this one starts with { $prefix }.
validation-phone-foreign-country-code = A Kazakhstan phone number has the country code +7; this one starts with +{ $prefix }.
validation-phone-not-kazakhstan = +7 { $zone } is not a Kazakhstan number: Kazakhstan's codes after +7 begin with 6 or 7 (for example +7 701 or +7 727).

## E-mail addresses

validation-email-empty = The e-mail address is empty.
validation-email-contains-space = An e-mail address has no spaces.
validation-email-too-long = An e-mail address is at most 254 characters long; this one has { $length }.
validation-email-missing-at = An e-mail address has an @ between the name and the domain, as in name@example.kz.
validation-email-multiple-at = An e-mail address has exactly one @; this one has { $count }.
validation-email-local-empty = An e-mail address has a name before the @, as in name@example.kz.
validation-email-local-too-long = The part of an e-mail address before the @ is at most 64 characters long; this one has { $length }.
validation-email-local-invalid-character = The part of an e-mail address before the @ has only Latin letters, digits and the signs . _ - +; “{ $character }” is not allowed.
validation-email-local-misplaced-dot = The part of an e-mail address before the @ cannot start or end with a dot or have two dots in a row.
validation-email-domain-empty = An e-mail address has a domain after the @, as in name@example.kz.
validation-email-domain-without-dot = The domain of an e-mail address has a dot, as in example.kz; “{ $domain }” has none.
validation-email-domain-invalid = “{ $domain }” is not a valid domain name: a domain is letters, digits and hyphens, with dots between the parts.

## Dates

validation-date-empty = The date is empty.
validation-date-format = A date is written YYYY-MM-DD, as in 2025-01-28; “{ $input }” is written differently.
validation-date-no-such-day = There is no day { $input } in the calendar: please check the month and the day.

## Internet resources (an application must name the Internet resource)

validation-resource-empty = No Internet resource is given: give the link, channel or account where the content is.
validation-resource-too-long = A link is at most 2048 characters long; this one has { $length }.
validation-resource-contains-space = A link has no spaces. Give one link at a time.
validation-resource-handle-needs-platform = { $handle } is an account name: say which platform it is on (Telegram, Instagram, TikTok…), or give its link.
validation-resource-unsupported-scheme = A link starts with https:// or http://; “{ $scheme }:” links are not accepted.
validation-resource-unparseable = “{ $input }” is not a link to a website. Copy the link from the browser's address bar.
validation-resource-userinfo = A link must not contain a user name or a password (the part before @). Copy the link from the browser's address bar.
validation-resource-host-without-dot = “{ $host }” is not a website address: a site name has a dot, as in example.kz. For an account, also say which platform it is on.
validation-resource-ip-not-public = { $address } is a private or reserved address, not a place on the Internet.
validation-resource-platform-home = This is the home page of { $platform }: give the link to the account, channel or post where the content is.
validation-resource-unknown-platform = Qorgau does not know the platform “{ $name }”; give the link instead.
validation-resource-invalid-handle = “{ $handle }” is not an account name on { $platform }: an account name has letters, digits, dots, hyphens and underscores.
validation-resource-handle-not-supported = { $platform } has no account names; give the link instead.

## Actors (the account that posts)

validation-actor-platform-mismatch = This link is on { $found }, not on { $expected }.
validation-actor-not-an-account = This link is to { $kind ->
        [post] a post
        [video] a video
        [page] a page
        [playlist] a playlist
        [invite] an invitation to a chat
        [short_link] a short link
       *[other] content
    }, not to an account: give the account's name or link.
