# Напоминания сотрудникам о сроках и другие сообщения очереди отправки (docs/delivery.md).
outbox-reminder-subject = Дело { $case }: срок { $deadline } — { $due }
outbox-reminder-body = По делу { $case } приближается срок ({ $deadline }): { $due } по времени Алматы. Откройте дело в рабочем кабинете.
