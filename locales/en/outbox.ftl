# Reminders of deadlines to staff, and other messages of the outbox (docs/delivery.md).
outbox-reminder-subject = Case { $case }: { $deadline } on { $due }
outbox-reminder-body = Case { $case } has a deadline approaching ({ $deadline }): { $due } Almaty time. Open the case in the workspace.
