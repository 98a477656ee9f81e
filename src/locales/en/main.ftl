app-name = Grapevine
nav-skip = Skip to content
nav-label = Main
nav-home = Home
nav-admin = Users
nav-settings = Settings
nav-menu = Menu
nav-logout = Sign out

draft-restored = Your unsent draft is back: nothing typed was lost.
login-title = Sign in
login-submit = Sign in
login-failed = Wrong email or password.
login-throttled = Too many failed attempts. Try again in { $minutes } minutes.
logout-title = Sign out of Grapevine?
login-password-off = Password sign-in is off here: use single sign-on.
sso-sign-in = Sign in with { $provider }
sso-or-password = Or with your email and password:
sso-signed-out = You are signed out of Grapevine.
sso-logout-provider = Also sign out of { $provider }
sso-error-title = Sign-in did not work
sso-back = Back to sign-in
sso-error-unreachable = The sign-in service cannot be reached just now. Try again in a moment; if it keeps failing, tell your administrator.
sso-error-denied = Sign-in was cancelled or refused at the sign-in service.
sso-error-state = This sign-in link has expired or was already used. Start again from the sign-in page.
sso-error-code = The sign-in service refused the sign-in (it took too long, or was already used). Start again.
sso-error-token = The answer from the sign-in service could not be trusted, so nobody was signed in. Tell your administrator if it happens again.
sso-error-expired = The answer from the sign-in service had expired (check that this device's clock is right), so nobody was signed in. Start again.
sso-error-incomplete = The sign-in service did not say who you are. Tell your administrator.
sso-error-deactivated = Your Grapevine account is deactivated. Ask an administrator to reactivate it.

setup-title = Create the first admin account
setup-intro = Nobody can sign in yet. The account you create here is an administrator: it can then invite the rest of the team.
setup-submit = Create the account and sign in
setup-closed = This setup link has already been used or is no longer valid. Sign in instead, or ask an administrator.
setup-done = Welcome! Your admin account is ready.

field-name = Name
field-email = Email
field-password = Password
field-password-hint = At least 10 characters.
field-role = Role

role-rep = Sales rep
role-marketer = Marketer
role-admin = Administrator

home-welcome = Hello, { $name }
home-lead = Grapevine is where what the field hears reaches marketing.
home-share-title = Share what you hear
home-share-text = A customer's complaint, a rumor about a competitor, a brochure from a trade show: post it in a few taps.
home-ideas-title = Propose and vote
home-ideas-text = Turn customer requests into ideas, vote for the best, and see marketing's answer.
home-follow-title = Follow live
home-follow-text = Follow accounts, competitors and categories and see new posts as they arrive.

settings-title = Your settings
settings-language = Language
settings-language-auto = Same as my browser
settings-save = Save
settings-saved = Your settings are saved.
language-en = English
language-fr = Français

admin-users-title = Users
admin-status = Status
admin-active = Active
admin-inactive = Deactivated
admin-deactivate = Deactivate
admin-reactivate = Reactivate
admin-change-role = Change
admin-new-user = Add a user
admin-create = Create the user
admin-user-created = The user was created.
admin-role-changed = The role was changed.
admin-user-deactivated = The user was deactivated: their sessions and tokens no longer work.
admin-user-reactivated = The user was reactivated.
admin-last-admin = This is the last active administrator: promote another user first.

error-page-400 = The request could not be read
error-page-403 = You are not allowed to do this
error-page-404 = Page not found
error-page-413 = What you sent is too large
error-page-422 = Please check what you entered
error-page-429 = Too many attempts; wait a moment
error-page-500 = Something went wrong on our side
error-page-503 = The database is not answering; try again in a moment
error-page-csrf = This form has expired. Go back, reload the page and try again.
error-back-home = Back to the home page

error-email-required = Enter an email address.
error-email-invalid = Enter a valid email address, like name@company.com.
error-email-taken = A user with this email already exists.
error-name-required = Enter a name.
error-name-too-long = A name has at most 100 characters.
error-name-control = A name cannot contain control characters.
error-password-short = A password needs at least 10 characters.
error-password-long = A password has at most 1024 bytes.
error-role-unknown = Choose a role: rep, marketer or admin.

nav-forums = Forums
home-share-now = Share something you heard
home-latest = Latest in the field
home-all-forums = All forums

forum-categories = Forums
forum-new-thread = New post
forum-restricted = Restricted
forum-archived = Archived
forum-thread-count = { $count ->
    [one] { $count } thread
   *[other] { $count } threads
}
forum-reply-count = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
}
forum-last-activity = last activity
forum-pinned = Pinned
forum-locked = Locked
forum-hidden = Hidden
forum-new = New
forum-no-threads = Nothing here yet. Be the first to share what you heard.
forum-breadcrumb = Breadcrumb
forum-pages = Pages
forum-newer = Newer
forum-older = Older
forum-kind = What is it?
forum-category = Category
forum-choose-category = Choose a category
forum-title = Title
forum-body = Message
forum-markdown-hint = Markdown works: **bold**, lists, links, tables. Mention a colleague with @ and the start of their email.
forum-tags = Tags
forum-tags-hint = Optional, separated by commas, e.g. pricing, trade-show.
forum-publish = Publish
forum-edited = edited
forum-in-reply-to = in reply to { $name }
forum-deleted-post = This post was deleted by its author.
forum-hidden-post = This post was hidden by a moderator.
forum-reply = Reply
forum-quote = Quote
forum-edit = Edit
forum-delete = Delete
forum-delete-confirm = Delete this post? Replies to it stay.
forum-hide = Hide
forum-unhide = Restore
forum-replies = Replies
forum-moderate = Moderate
forum-action-pin = Pin
forum-action-unpin = Unpin
forum-action-lock = Lock
forum-action-unlock = Unlock
forum-action-hide = Hide
forum-action-unhide = Restore
forum-action-move = Move
forum-move-to = Move to
forum-replying-to = Replying to { $name }
forum-your-reply = Your reply
forum-send-reply = Send reply
forum-reply-to-thread = Reply to the thread instead
forum-locked-notice = This thread is locked: no new replies.
forum-edit-post = Edit the post
forum-cancel = Cancel
forum-history = Edit history
forum-back-to-post = Back to the post
forum-current-text = Current text
forum-revision-by = Edited by { $name }
forum-text-before = The text before this edit:
forum-no-revisions = This post was never edited.
forum-their-threads = Threads they started
forum-post-deleted = The post was deleted.
forum-moderated = Done.

kind-anecdote = Anecdote
kind-rumor = Rumor
kind-competitor_move = Competitor move
kind-customer_request = Customer request
kind-pricing = Pricing
kind-other = Other

admin-categories-title = Categories
admin-audit-title = Audit log
admin-slug = Short name in addresses
admin-slug-hint = Lowercase letters, digits and dashes, e.g. market-rumors. Left empty, it is made from the name.
admin-description = Description
admin-position = Order
admin-restricted = Marketing and admins only
admin-archived = Archived (read-only)
admin-new-category = Add a category
admin-create-category = Create the category
admin-category-saved = The category was saved.
admin-when = When
admin-who = Who
admin-action = Action
admin-target = On
admin-thread = thread
admin-post = post
admin-user = user
audit-thread-pin = pinned a thread
audit-thread-unpin = unpinned a thread
audit-thread-lock = locked a thread
audit-thread-unlock = unlocked a thread
audit-thread-hide = hid a thread
audit-thread-unhide = showed a thread again
audit-thread-move = moved a thread
audit-post-hide = hid a post
audit-post-unhide = showed a post again
audit-post-edit = edited a post
audit-user-sign_in = signed in
audit-user-create = created an account
audit-user-role = changed a role
audit-user-deactivate = deactivated an account
audit-user-reactivate = reactivated an account
audit-category-create = created a category
audit-category-update = changed a category
audit-accounts-import = imported accounts
audit-token-create = created an API token
admin-history = history
admin-from = From
admin-audit-empty = No moderation yet.

error-slug-invalid = Use 2 to 50 lowercase letters, digits and dashes.
error-title-short = A title needs at least 3 characters.
error-title-long = A title has at most 200 characters.
error-body-empty = Write something first.
error-body-long = A message has at most 50,000 characters.
error-tag-invalid = Tags use letters, digits and dashes, at most 30 characters each.
error-tags-too-many = At most 10 tags.
error-kind-unknown = Choose what kind of post it is.
error-category-required = Choose a category you can post in.
error-category-name = A category name has 1 to 80 characters.
error-category-description = A description has at most 500 characters.
error-category-roles = Choose at least one role that may read the category.

nav-accounts = Accounts
crm-post-about-account = Post about this account
crm-post-about-competitor = Post about this competitor
crm-linked-ideas = Ideas
crm-linked-threads = Threads
crm-title = Accounts and competitors
crm-new-account = New account
crm-new-competitor = New competitor
crm-import = Import accounts
crm-search = Search
crm-search-placeholder = Name, domain or CRM id
crm-most-discussed-accounts = Accounts most discussed this month
crm-most-discussed-competitors = Competitors most discussed this month
crm-nothing-yet = Nothing discussed yet.
crm-accounts = Accounts
crm-competitors = Competitors
crm-none-found = None found.
crm-following = Following
crm-follow = Follow
crm-followed = You now follow it: new posts show in your live feed and digest.
crm-unfollowed = You no longer follow it.
crm-external-id = CRM id
crm-domain = Domain
crm-industry = Industry
crm-owner = Owner
crm-no-owner = Nobody yet
crm-owner-email = Owner's email
crm-website = Website
crm-filter-kind = Filter by kind
crm-all-kinds = All
crm-filter-tag = Tag
crm-filter = Filter
crm-account = Account
crm-competitor = Competitor
crm-saved = Saved.
crm-import-help = A CSV file, UTF-8, with a header row: external_id and name are required; domain, industry and owner_email are optional; other columns are ignored. Rows update existing accounts by external_id. A file with any invalid row imports nothing.
crm-import-done = Imported: { $created } created, { $updated } updated, { $unchanged } unchanged.
crm-import-refused = { $count ->
    [one] { $count } invalid row: nothing was imported. Fix it and upload the file again.
   *[other] { $count } invalid rows: nothing was imported. Fix them and upload the file again.
}
crm-line = Line { $line }
crm-csv-file = CSV file
crm-edit-links = Linked accounts and competitors
crm-link-accounts = Customer accounts
crm-link-competitors = Competitors
crm-link-hint = Start typing a name; separate several with commas.
crm-picker-none = No match

error-external-id-required = A CRM id is required.
error-external-id-invalid = A CRM id has at most 100 characters, without / ? # or commas.
error-display-name-long = A name has at most 200 characters.
error-short-text = At most 100 characters.
error-text-control = No control characters (such as a bell or a NUL) in this field.
error-domain-invalid = Enter a domain like acme.com.
error-website-invalid = Enter an address starting with https://.
error-owner-unknown = No user has this email.

nav-ideas = Ideas
ideas-title = Idea box
ideas-new = Propose an idea
ideas-roadmap = Roadmap
ideas-sort = Sort
ideas-sort-top = Top
ideas-sort-new = New
ideas-sort-trending = Trending
ideas-sort-impact = Customer impact
ideas-status = Status
ideas-none = No ideas here yet.
ideas-vote = Vote
ideas-voted = Voted
ideas-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
ideas-impact = { $count ->
    [one] { $count } customer
   *[other] { $count } customers
}
ideas-anonymous = Anonymous
ideas-anonymous-to-others = shown as anonymous to others
ideas-title-placeholder = Your idea in a few words
ideas-check-similar = Look for similar ideas
ideas-similar-intro = Similar ideas already exist: vote for one of them instead of posting a duplicate?
ideas-body = What is it, and who asked for it?
ideas-post-anonymously = Post anonymously (only administrators will see it was you)
ideas-propose = Propose
ideas-merged-into = This idea was merged into
ideas-merged-from = Merged into this idea:
ideas-discuss = { $count ->
    [0] Discuss
    [one] Discuss (1 comment)
   *[other] Discuss ({ $count } comments)
}
ideas-timeline = Status and official answers
ideas-answer = Official answer
ideas-official-answer = Answer (optional, shown to everyone)
ideas-merge-placeholder = Type a title or #number
ideas-merge-into = Merge into idea number
ideas-merge = Merge
ideas-status-saved = The status is saved; the author and voters are told.
ideas-merged = The ideas were merged.
status-open = Open
status-under_review = Under review
status-planned = Planned
status-in_progress = In progress
status-done = Done
status-declined = Declined

nav-live = Live
live-title = Live from the field
live-topics = What to watch
live-everything = Everything
live-watch = Watch live
live-pause = Pause
live-resume = Resume
live-connected = Live: new items appear at the top.
live-paused = Paused: new items wait until you resume.
live-new-items = { $count ->
    [one] { $count } new item: show
   *[other] { $count } new items: show
}
event-thread-created = New thread
event-post-created = Reply
event-post-edited = Edited
event-post-deleted = Deleted
event-thread-moderated = Moderated
event-links-changed = Links changed
event-idea-created = New idea
event-idea-voted = Vote
event-idea-status_changed = Idea status
event-idea-merged = Ideas merged
live-new-banner = New since you opened this page: show

error-frequency = Choose daily, weekly or off.
error-hour = Choose an hour from 0 to 23.
error-timezone = Choose a time zone such as Europe/Paris.
settings-digest = Email digest
settings-frequency = How often
frequency-daily = Every day
frequency-weekly = Every week
frequency-off = Never
settings-hour = At (hour)
settings-timezone = Time zone
settings-immediate = Also email me right away about
settings-email-mentions = mentions of me
settings-sessions = Devices
settings-sessions-intro = You stay signed in on each device you use, as long as you come back within { $days } days. Lost a phone? Sign out everywhere.
settings-sessions-browser = You are signed out when the browser closes. Signed in on a device you no longer have? Sign out everywhere.
settings-logout-everywhere = Sign out everywhere
settings-email-replies = replies to my posts
settings-email-ideas = status changes on ideas I wrote, voted for or follow
settings-email-follows = new posts in what I follow

nav-notifications = Notifications
notify-reply = Reply to you
notify-mention = You were mentioned
notify-idea = Idea update
notify-follow = In what you follow
notify-none = Nothing yet: replies, mentions and idea updates will show here.

email-digest-subject-daily = Your Grapevine daily digest
email-digest-subject-weekly = Your Grapevine weekly digest
email-hello = Hello { $name },
email-digest-intro-daily = here is what the field said since your last digest.
email-digest-intro-weekly = here is what the field said this week.
email-digest-threads = New threads
email-digest-more = and { $count } more on Grapevine.
email-digest-activity = New posts in what you follow
email-digest-ideas = New ideas
email-digest-changes = Idea updates
email-digest-yours = yours
email-digest-voted = you voted
email-replies = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
}
email-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
email-anonymous = anonymous
email-by = by { $name }
email-open = Open Grapevine
email-footer = You get this email because of your Grapevine settings.
email-change-settings = Change your settings
email-unsubscribe-digest = Stop these digests
email-unsubscribe-replies = Stop emails about replies
email-unsubscribe-mentions = Stop emails about mentions
email-unsubscribe-ideas = Stop emails about ideas
email-unsubscribe-follows = Stop emails about what you follow
email-subject-reply = { $name } replied in “{ $title }”
email-subject-mention = { $name } mentioned you in “{ $title }”
email-subject-follow = New in what you follow: “{ $title }”
email-subject-idea = Idea “{ $title }”: { $status }
email-subject-batch = { $count ->
    [one] { $count } new post in “{ $title }”
   *[other] { $count } new posts in “{ $title }”
}
email-read-more = Read it on Grapevine
unsubscribe-title = Unsubscribe
unsubscribe-confirm = Stop this kind of email for { $email }?
unsubscribe-button = Unsubscribe
unsubscribe-done = Done: { $email } will no longer receive these emails. You can turn them back on in your settings.
unsubscribe-invalid = This unsubscribe link is not valid. Sign in and change your email settings instead.

search-title = Search
search-label = Search Grapevine
search-placeholder = Search intel, ideas, accounts…
search-button = Search
search-hint = All words must match. "exact phrase", -exclude, pref*, and filters: category: tag: kind: account: competitor: after:2026-01-01 before:2026-12-31
search-facets = Narrow the results
search-by-type = Type
search-by-category = Category
search-by-kind = Kind
search-by-account = Account
search-by-competitor = Competitor
search-any-type = Everything
search-type-thread = Thread
search-type-post = Reply
search-type-idea = Idea
search-type-account = Account
search-type-competitor = Competitor
search-none = Nothing found. Try fewer or other words.
search-more = More results

## Attachments
upload-attachments = Photos and documents
upload-take-photo = Take a photo
upload-choose-files = Choose files
upload-hint = Photos (JPEG, PNG, WebP, GIF) or PDF, up to { $mb } MB each, 10 at most. You can also drop or paste them here.
upload-remove = Remove
upload-refused = File refused:
upload-failed = Upload failed
upload-wait = Wait until every file is sent.
upload-open-document = Open the document
error-too-many-attachments = At most 10 files on one post.
email-photo = Photo (sign in to see it)

## Reports
report-question = Question
report-answer = Answer
report-yes = Yes
report-no = No
error-report-form-title = Give the form a title of 1 to 80 characters.
error-report-form-questions = A form has 1 to 30 questions.
error-report-question-key = Question keys are lower-case letters, digits and _, starting with a letter, 40 at most.
error-report-question-key-twice = Two questions have this key.
error-report-question-label = Give the question a label of 1 to 120 characters.
error-report-question-options = A choice needs 2 to 20 different options of 1 to 60 characters.
error-report-question-no-options = Only choice questions have options.
error-report-form-language = Translations are for en or fr.
error-report-form-translation = A translated label is 1 to 120 characters (options 60).
error-report-form-category = No such category.
error-report-unknown-question = This form has no such question.
error-report-required = This answer is required.
error-report-check = Tick or untick (true or false).
error-report-choice = Pick one of the options.
error-report-choices = Pick among the options.
error-report-number = Enter a number, like 1299 or 12.5.
error-report-text = A few words: 200 characters at most.
error-report-account = No such account (it may have been removed from the CRM).
error-report-competitor = No such competitor.
nav-report = Report
capture-title = Report
capture-lead = What did you see or hear? Pick a kind of report.
capture-pick-kind = Kind of report
capture-other = Something else (free post)
capture-words = In a few words
capture-words-hint = Optional: what you saw or heard.
capture-title-field = Title
capture-title-hint = Optional: made from your answers when empty.
capture-send = Send
capture-sending = Sending…
capture-your-accounts = Your accounts
capture-recent-accounts = Recent
capture-find-account = Find an account
capture-find-account-hint = Type part of a name; pick it below.
capture-no-match = No account matches.
capture-clear = Change
capture-required = required
capture-queued = { $n ->
    [one] { $n } report waiting to send
   *[other] { $n } reports waiting to send
}
capture-failed = Not sent: { $reason }
capture-fix = Fix it
capture-discard = Discard
capture-sent = Report sent.
capture-saved-offline = No connection: the report is saved on this phone and will be sent when the network is back.
capture-shared = Shared with Grapevine
capture-back = Back to the kinds of report
report-figures = Report figures
report-figures-lead = What the field sent with this form.
report-figures-period = Period
report-figures-from = From
report-figures-to = To
report-figures-apply = Show
report-figures-count = { $n ->
    [one] { $n } report
   *[other] { $n } reports
}
report-figures-csv = Download CSV
report-figures-min = Lowest
report-figures-max = Highest
report-figures-mean = Mean
report-figures-answered = Answered
report-figures-none = No answer in this period.
report-figures-all = All
report-forms = Report forms

## Recognition
notify-useful = Marked useful by marketing
email-subject-useful = { $name } marked your post in “{ $title }” useful
forum-marketing = Marketing
forum-useful-by = Useful to marketing: { $names }
forum-mark-useful = Useful
forum-unmark-useful = Not useful after all
nav-impact = My impact
nav-stats = Contributors
impact-title = My impact
impact-lead = What your reports, threads, replies and ideas did: who in marketing read them, marked them useful or answered.
impact-week = This week
impact-month = This month
impact-quarter = This quarter
impact-timeline = What came back
impact-marked = marked useful by { $name }
impact-replied = { $name } from marketing replied
impact-nothing = Nothing yet: your next report will show here once marketing reads it.
figure-threads = Threads
figure-reports = Reports
figure-replies = Replies
figure-ideas = Ideas
figure-votes = Votes
figure-read_by_marketing = Read by marketing
figure-useful_marks = Useful marks
figure-marketing_replies = Marketing replies
figure-ideas_adopted = Ideas adopted
figure-days_active = Days active
stats-title = Contributors
stats-median = Marketing's first reply comes after { $hours } hours (median).
stats-no-response = No thread of this period has a marketing reply yet.
stats-weekly = Intel coming in per week
stats-teams = Teams
stats-team = Team
stats-users = People
stats-people = People
stats-person = Person
admin-save-team = Save
admin-team-changed = Team saved.
email-impact = Your intel last week: read { $read } { $read ->
    [one] time
   *[other] times
} by marketing, { $useful } useful { $useful ->
    [one] mark
   *[other] marks
}, { $replies } marketing { $replies ->
    [one] reply
   *[other] replies
}, { $adopted } { $adopted ->
    [one] idea
   *[other] ideas
} adopted.

## Errors as pages show them (AppError::shown), and the forms' summary.
form-errors-title = { $count ->
    [one] There is { $count } problem with what you entered
   *[other] There are { $count } problems with what you entered
}
error-unknown-accounts = No account is called or numbered { $names }: choose from the suggestions, or ask marketing to add it.
error-unknown-competitors = No competitor is called { $names }: choose from the suggestions.
error-ambiguous-account = Several accounts are called “{ $name }” ({ $keys }): choose one from the suggestions.
error-ambiguous-competitor = Several competitors are called “{ $name }” ({ $keys }): choose one from the suggestions.
crm-link-remove = Remove
apperror-too_many_attachments = Too many files on one post: remove some and try again.
apperror-unknown_upload = One of the files is no longer available: add it again.
apperror-thread_locked = This thread is locked: no new replies.
apperror-own_post = A post is marked useful by others, not by its author.
apperror-slug_taken = Another category already has this short name (slug).
apperror-email_taken = A user with this email already exists.
apperror-last_admin = This is the last active admin: make someone else an admin first.
apperror-idea_merged = This idea was merged into another one: vote there.
apperror-invalid_merge = Choose the idea to merge into.
apperror-unreadable_image = This image cannot be read: send a JPEG, PNG, WebP or GIF photo.
apperror-image_too_large = This image has too many pixels: send a smaller photo.
apperror-file_required = Choose a CSV file to import.
apperror-unknown_parent = The post you answer is no longer in this thread.
apperror-invalid_tag = Tags use letters, digits and dashes, at most 30 characters each.
apperror-invalid_date = Enter dates as YYYY-MM-DD.
apperror-category_required = Choose the category to move it to.
apperror-unknown_category = No such category.
apperror-invalid_text = Text may not contain NUL characters.
apperror-malformed_form = The form could not be read: reload the page and try again.

# Password links (invitations, resets)
audit-user-invite = invited a user by email
audit-user-invitation_accepted = accepted an invitation
audit-user-password_reset_requested = asked for a password reset
audit-user-password_reset = reset a password
login-forgot = Forgot your password?
forgot-title = Reset your password
forgot-intro = Enter the email address you sign in with: we will send you a link to choose a new password.
forgot-submit = Send me a link
forgot-sent = If an account uses { $email }, a link to choose a new password is on its way. It works for an hour.
forgot-ask-again = Ask for a new link
password-set-title-reset = Choose a new password
password-set-title-invite = Welcome to Grapevine
password-set-intro = Choose the password for { $email }. You will be signed in here and signed out everywhere else.
password-set-submit = Save my password
password-link-closed = This link has expired or was already used.
password-set-done = Your password is saved. You are signed in.
field-new-password = New password
admin-user-invited = The user was created and invited by email.
admin-password-optional = Leave the password empty to invite them by email.
email-subject-invite = You are invited to Grapevine
email-subject-reset = Reset your Grapevine password
email-invite-intro = { $inviter } invited you to Grapevine, where the field shares what it hears with marketing.
email-invite-action = Choose your password
email-invite-expiry = This link works once, for { $days } days.
email-reset-intro = Someone, probably you, asked to reset your Grapevine password. If it was not you, ignore this email: your password stays as it is.
email-reset-action = Choose a new password
email-reset-expiry = This link works once, for an hour.
email-footer-account = You get this email because of your Grapevine account.

# Landmark names
search-site-label = Search Grapevine
search-page-label = Search and filters
crm-search-label = Find in this list

# Category words per language
admin-name-in-en = Name in English (optional)
admin-name-in-fr = Name in French (optional)
admin-description-in-en = Description in English (optional)
admin-description-in-fr = Description in French (optional)
