# Қызметкерлерге мерзімдер туралы еске салу және жөнелту кезегінің басқа хабарлары (docs/delivery.md).
outbox-reminder-subject = { $case } ісі: { $deadline } мерзімі — { $due }
outbox-reminder-body = { $case } ісі бойынша мерзім жақындап келеді ({ $deadline }): Алматы уақытымен { $due }. Істі жұмыс кабинетінде ашыңыз.
