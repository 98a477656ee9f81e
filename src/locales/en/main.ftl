app-name = Grapevine
nav-skip = Skip to content
nav-label = Main
nav-home = Home
nav-admin = Users
nav-settings = Settings
nav-logout = Sign out

login-title = Sign in
login-submit = Sign in
login-failed = Wrong email or password.
login-throttled = Too many failed attempts. Try again in { $minutes } minutes.
logout-title = Sign out of Grapevine?

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
