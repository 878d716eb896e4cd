package pushnotify

// RecipientsQuery is the planner's query, for the query-plan test.
const RecipientsQuery = recipientsQuery
