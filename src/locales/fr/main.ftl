app-name = Grapevine
nav-skip = Aller au contenu
nav-label = Principal
nav-home = Accueil
nav-admin = Utilisateurs
nav-settings = Préférences
nav-menu = Menu
nav-logout = Se déconnecter

draft-restored = Votre brouillon non envoyé est revenu : rien de ce que vous aviez tapé n'est perdu.
login-title = Connexion
login-submit = Se connecter
login-failed = E-mail ou mot de passe incorrect.
login-throttled = Trop de tentatives échouées. Réessayez dans { $minutes } minutes.
logout-title = Se déconnecter de Grapevine ?
login-password-off = La connexion par mot de passe est désactivée ici : utilisez l'authentification unique.
sso-sign-in = Se connecter avec { $provider }
sso-or-password = Ou avec votre e-mail et votre mot de passe :
sso-signed-out = Vous êtes déconnecté de Grapevine.
sso-logout-provider = Se déconnecter aussi de { $provider }
sso-error-title = La connexion n'a pas abouti
sso-back = Retour à la connexion
sso-error-unreachable = Le service de connexion est injoignable pour le moment. Réessayez dans un instant ; si cela persiste, prévenez votre administrateur.
sso-error-denied = La connexion a été annulée ou refusée par le service de connexion.
sso-error-state = Ce lien de connexion a expiré ou a déjà servi. Recommencez depuis la page de connexion.
sso-error-code = Le service de connexion a refusé la connexion (trop tardive, ou déjà utilisée). Recommencez.
sso-error-token = La réponse du service de connexion n'était pas digne de confiance : personne n'a été connecté. Prévenez votre administrateur si cela se reproduit.
sso-error-expired = La réponse du service de connexion avait expiré (vérifiez l'heure de cet appareil) : personne n'a été connecté. Recommencez.
sso-error-incomplete = Le service de connexion n'a pas indiqué qui vous êtes. Prévenez votre administrateur.
sso-error-deactivated = Votre compte Grapevine est désactivé. Demandez à un administrateur de le réactiver.

setup-title = Créer le premier compte administrateur
setup-intro = Personne ne peut encore se connecter. Le compte créé ici est administrateur : il pourra ensuite inviter le reste de l'équipe.
setup-submit = Créer le compte et se connecter
setup-closed = Ce lien d'installation a déjà servi ou n'est plus valable. Connectez-vous, ou demandez à un administrateur.
setup-done = Bienvenue ! Votre compte administrateur est prêt.

field-name = Nom
field-email = E-mail
field-password = Mot de passe
field-password-hint = Au moins 10 caractères.
field-role = Rôle

role-rep = Commercial
role-marketer = Marketing
role-admin = Administrateur

home-welcome = Bonjour, { $name }
home-lead = Grapevine fait remonter au marketing ce que le terrain entend.
home-share-title = Partagez ce que vous entendez
home-share-text = La plainte d'un client, une rumeur sur un concurrent, une brochure de salon : publiez-la en quelques gestes.
home-ideas-title = Proposez et votez
home-ideas-text = Transformez les demandes des clients en idées, votez pour les meilleures et voyez la réponse du marketing.
home-follow-title = Suivez en direct
home-follow-text = Suivez des comptes, des concurrents et des catégories et voyez les messages arriver en direct.

settings-title = Vos préférences
settings-language = Langue
settings-language-auto = Celle de mon navigateur
settings-save = Enregistrer
settings-saved = Vos préférences sont enregistrées.
language-en = English
language-fr = Français

admin-users-title = Utilisateurs
admin-status = Statut
admin-active = Actif
admin-inactive = Désactivé
admin-deactivate = Désactiver
admin-reactivate = Réactiver
admin-change-role = Modifier
admin-new-user = Ajouter un utilisateur
admin-create = Créer l'utilisateur
admin-user-created = L'utilisateur a été créé.
admin-role-changed = Le rôle a été modifié.
admin-user-deactivated = L'utilisateur a été désactivé : ses sessions et jetons ne fonctionnent plus.
admin-user-reactivated = L'utilisateur a été réactivé.
admin-last-admin = C'est le dernier administrateur actif : promouvez d'abord un autre utilisateur.

error-page-400 = La requête est illisible
error-page-403 = Vous n'avez pas le droit de faire ceci
error-page-404 = Page introuvable
error-page-413 = Ce que vous avez envoyé est trop volumineux
error-page-422 = Vérifiez ce que vous avez saisi
error-page-429 = Trop de tentatives ; patientez un instant
error-page-500 = Une erreur s'est produite de notre côté
error-page-503 = La base de données ne répond pas ; réessayez dans un instant
error-page-csrf = Ce formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.
error-back-home = Retour à l'accueil

error-email-required = Saisissez une adresse e-mail.
error-email-invalid = Saisissez une adresse e-mail valide, comme nom@entreprise.com.
error-email-taken = Un utilisateur avec cet e-mail existe déjà.
error-name-required = Saisissez un nom.
error-name-too-long = Un nom compte au plus 100 caractères.
error-name-control = Un nom ne peut pas contenir de caractères de contrôle.
error-password-short = Un mot de passe compte au moins 10 caractères.
error-password-long = Un mot de passe compte au plus 1024 octets.
error-role-unknown = Choisissez un rôle : commercial, marketing ou administrateur.

nav-forums = Forums
home-share-now = Partager ce que vous avez entendu
home-latest = Dernières nouvelles du terrain
home-all-forums = Tous les forums

forum-categories = Forums
forum-new-thread = Nouveau message
forum-restricted = Restreint
forum-archived = Archivé
forum-thread-count = { $count ->
    [one] { $count } discussion
   *[other] { $count } discussions
}
forum-reply-count = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
}
forum-last-activity = dernière activité
forum-pinned = Épinglé
forum-locked = Verrouillé
forum-hidden = Masqué
forum-new = Nouveau
forum-no-threads = Rien pour l'instant. Soyez le premier à partager ce que vous avez entendu.
forum-breadcrumb = Fil d'Ariane
forum-pages = Pages
forum-newer = Plus récents
forum-older = Plus anciens
forum-kind = De quoi s'agit-il ?
forum-category = Catégorie
forum-choose-category = Choisissez une catégorie
forum-title = Titre
forum-body = Message
forum-markdown-hint = Le Markdown fonctionne : **gras**, listes, liens, tableaux. Mentionnez un collègue avec @ et le début de son e-mail.
forum-tags = Étiquettes
forum-tags-hint = Facultatif, séparées par des virgules, par ex. prix, salon.
forum-publish = Publier
forum-edited = modifié
forum-in-reply-to = en réponse à { $name }
forum-deleted-post = Ce message a été supprimé par son auteur.
forum-hidden-post = Ce message a été masqué par un modérateur.
forum-reply = Répondre
forum-quote = Citer
forum-edit = Modifier
forum-delete = Supprimer
forum-delete-confirm = Supprimer ce message ? Les réponses restent.
forum-hide = Masquer
forum-unhide = Rétablir
forum-replies = Réponses
forum-moderate = Modérer
forum-action-pin = Épingler
forum-action-unpin = Désépingler
forum-action-lock = Verrouiller
forum-action-unlock = Déverrouiller
forum-action-hide = Masquer
forum-action-unhide = Rétablir
forum-action-move = Déplacer
forum-move-to = Déplacer vers
forum-replying-to = Réponse à { $name }
forum-your-reply = Votre réponse
forum-send-reply = Envoyer la réponse
forum-reply-to-thread = Répondre plutôt à la discussion
forum-locked-notice = Cette discussion est verrouillée : plus de nouvelles réponses.
forum-edit-post = Modifier le message
forum-cancel = Annuler
forum-history = Historique des modifications
forum-back-to-post = Retour au message
forum-current-text = Texte actuel
forum-revision-by = Modifié par { $name }
forum-text-before = Le texte avant cette modification :
forum-no-revisions = Ce message n'a jamais été modifié.
forum-their-threads = Discussions lancées
forum-post-deleted = Le message a été supprimé.
forum-moderated = C'est fait.

kind-anecdote = Anecdote
kind-rumor = Rumeur
kind-competitor_move = Action d'un concurrent
kind-customer_request = Demande client
kind-pricing = Prix
kind-other = Autre

admin-categories-title = Catégories
admin-audit-title = Journal de modération
admin-slug = Nom court dans les adresses
admin-slug-hint = Minuscules, chiffres et tirets, par ex. rumeurs-marche. Laissé vide, il est tiré du nom.
admin-description = Description
admin-position = Ordre
admin-restricted = Marketing et administrateurs seulement
admin-archived = Archivée (lecture seule)
admin-new-category = Ajouter une catégorie
admin-create-category = Créer la catégorie
admin-category-saved = La catégorie a été enregistrée.
admin-when = Quand
admin-who = Qui
admin-action = Action
admin-target = Sur
admin-thread = discussion
admin-post = message
admin-user = utilisateur
audit-thread-pin = a épinglé une discussion
audit-thread-unpin = a désépinglé une discussion
audit-thread-lock = a verrouillé une discussion
audit-thread-unlock = a déverrouillé une discussion
audit-thread-hide = a masqué une discussion
audit-thread-unhide = a réaffiché une discussion
audit-thread-move = a déplacé une discussion
audit-post-hide = a masqué un message
audit-post-unhide = a réaffiché un message
audit-post-edit = a modifié un message
audit-user-sign_in = s'est connecté
audit-user-create = a créé un compte
audit-user-role = a changé un rôle
audit-user-deactivate = a désactivé un compte
audit-user-reactivate = a réactivé un compte
audit-category-create = a créé une catégorie
audit-category-update = a modifié une catégorie
audit-accounts-import = a importé des clients
audit-token-create = a créé un jeton d'API
admin-history = historique
admin-from = Depuis
admin-audit-empty = Aucune modération pour l'instant.

error-slug-invalid = Utilisez 2 à 50 minuscules, chiffres et tirets.
error-title-short = Un titre compte au moins 3 caractères.
error-title-long = Un titre compte au plus 200 caractères.
error-body-empty = Écrivez d'abord quelque chose.
error-body-long = Un message compte au plus 50 000 caractères.
error-tag-invalid = Les étiquettes utilisent lettres, chiffres et tirets, 30 caractères au plus.
error-tags-too-many = 10 étiquettes au plus.
error-kind-unknown = Choisissez le type de message.
error-category-required = Choisissez une catégorie où vous pouvez publier.
error-category-name = Un nom de catégorie compte de 1 à 80 caractères.
error-category-description = Une description compte au plus 500 caractères.
error-category-roles = Choisissez au moins un rôle qui peut lire la catégorie.

nav-accounts = Comptes
crm-post-about-account = Publier sur ce client
crm-post-about-competitor = Publier sur ce concurrent
crm-linked-ideas = Idées
crm-linked-threads = Discussions
crm-title = Comptes et concurrents
crm-new-account = Nouveau compte
crm-new-competitor = Nouveau concurrent
crm-import = Importer des comptes
crm-search = Rechercher
crm-search-placeholder = Nom, domaine ou identifiant CRM
crm-most-discussed-accounts = Comptes les plus discutés ce mois-ci
crm-most-discussed-competitors = Concurrents les plus discutés ce mois-ci
crm-nothing-yet = Rien n'a encore été discuté.
crm-accounts = Comptes
crm-competitors = Concurrents
crm-none-found = Aucun résultat.
crm-following = Suivi
crm-follow = Suivre
crm-followed = Vous suivez désormais : les nouveaux messages apparaissent dans votre fil et votre résumé.
crm-unfollowed = Vous ne suivez plus.
crm-external-id = Identifiant CRM
crm-domain = Domaine
crm-industry = Secteur
crm-owner = Responsable
crm-no-owner = Personne pour l'instant
crm-owner-email = E-mail du responsable
crm-website = Site web
crm-filter-kind = Filtrer par type
crm-all-kinds = Tous
crm-filter-tag = Étiquette
crm-filter = Filtrer
crm-account = Compte
crm-competitor = Concurrent
crm-saved = Enregistré.
crm-import-help = Un fichier CSV, en UTF-8, avec une ligne d'en-tête : external_id et name sont obligatoires ; domain, industry et owner_email sont facultatifs ; les autres colonnes sont ignorées. Les lignes mettent à jour les comptes existants par external_id. Un fichier avec une seule ligne invalide n'importe rien.
crm-import-done = Importé : { $created } créés, { $updated } mis à jour, { $unchanged } inchangés.
crm-import-refused = { $count ->
    [one] { $count } ligne invalide : rien n'a été importé. Corrigez-la et envoyez à nouveau le fichier.
   *[other] { $count } lignes invalides : rien n'a été importé. Corrigez-les et envoyez à nouveau le fichier.
}
crm-line = Ligne { $line }
crm-csv-file = Fichier CSV
crm-edit-links = Comptes et concurrents liés
crm-link-accounts = Comptes clients
crm-link-competitors = Concurrents
crm-link-hint = Commencez à taper un nom ; séparez-en plusieurs par des virgules.
crm-picker-none = Aucun résultat

error-external-id-required = Un identifiant CRM est obligatoire.
error-external-id-invalid = Un identifiant CRM compte au plus 100 caractères, sans / ? # ni virgule.
error-display-name-long = Un nom compte au plus 200 caractères.
error-short-text = 100 caractères au plus.
error-text-control = Pas de caractères de contrôle (comme une sonnerie ou un NUL) dans ce champ.
error-domain-invalid = Saisissez un domaine comme acme.com.
error-website-invalid = Saisissez une adresse commençant par https://.
error-owner-unknown = Aucun utilisateur n'a cet e-mail.

nav-ideas = Idées
ideas-title = Boîte à idées
ideas-new = Proposer une idée
ideas-roadmap = Feuille de route
ideas-sort = Trier
ideas-sort-top = Les plus votées
ideas-sort-new = Nouvelles
ideas-sort-trending = Tendances
ideas-sort-impact = Impact client
ideas-status = Statut
ideas-none = Pas encore d'idée ici.
ideas-vote = Voter
ideas-voted = Voté
ideas-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
ideas-impact = { $count ->
    [one] { $count } client
   *[other] { $count } clients
}
ideas-anonymous = Anonyme
ideas-anonymous-to-others = affiché comme anonyme aux autres
ideas-title-placeholder = Votre idée en quelques mots
ideas-check-similar = Chercher des idées proches
ideas-similar-intro = Des idées proches existent déjà : voter pour l'une d'elles plutôt que publier un doublon ?
ideas-body = De quoi s'agit-il, et qui l'a demandé ?
ideas-post-anonymously = Publier anonymement (seuls les administrateurs sauront que c'est vous)
ideas-propose = Proposer
ideas-merged-into = Cette idée a été fusionnée dans
ideas-merged-from = Fusionnées dans cette idée :
ideas-discuss = { $count ->
    [0] Discuter
    [one] Discuter (1 commentaire)
   *[other] Discuter ({ $count } commentaires)
}
ideas-timeline = Statut et réponses officielles
ideas-answer = Réponse officielle
ideas-official-answer = Réponse (facultative, visible de tous)
ideas-merge-placeholder = Tapez un titre ou un n°
ideas-merge-into = Fusionner dans l'idée numéro
ideas-merge = Fusionner
ideas-status-saved = Le statut est enregistré ; l'auteur et les votants sont prévenus.
ideas-merged = Les idées ont été fusionnées.
status-open = Ouverte
status-under_review = À l'étude
status-planned = Prévue
status-in_progress = En cours
status-done = Réalisée
status-declined = Refusée

nav-live = Direct
live-title = En direct du terrain
live-topics = Que suivre
live-everything = Tout
live-watch = Suivre en direct
live-pause = Pause
live-resume = Reprendre
live-connected = En direct : les nouveautés apparaissent en haut.
live-paused = En pause : les nouveautés attendent votre reprise.
live-new-items = { $count ->
    [one] { $count } nouveauté : afficher
   *[other] { $count } nouveautés : afficher
}
event-thread-created = Nouvelle discussion
event-post-created = Réponse
event-post-edited = Modifié
event-post-deleted = Supprimé
event-thread-moderated = Modéré
event-links-changed = Liens modifiés
event-idea-created = Nouvelle idée
event-idea-voted = Vote
event-idea-status_changed = Statut d'idée
event-idea-merged = Idées fusionnées
live-new-banner = Nouveau depuis l'ouverture de la page : afficher

error-frequency = Choisissez quotidien, hebdomadaire ou jamais.
error-hour = Choisissez une heure de 0 à 23.
error-timezone = Choisissez un fuseau horaire comme Europe/Paris.
settings-digest = Résumé par e-mail
settings-frequency = À quelle fréquence
frequency-daily = Chaque jour
frequency-weekly = Chaque semaine
frequency-off = Jamais
settings-hour = À (heure)
settings-timezone = Fuseau horaire
settings-immediate = M'écrire aussi tout de suite pour
settings-email-mentions = les mentions de mon nom
settings-sessions = Appareils
settings-sessions-intro = Vous restez connecté sur chaque appareil utilisé, tant que vous revenez dans les { $days } jours. Téléphone perdu ? Déconnectez-vous partout.
settings-sessions-browser = Vous êtes déconnecté à la fermeture du navigateur. Connecté sur un appareil que vous n'avez plus ? Déconnectez-vous partout.
settings-logout-everywhere = Se déconnecter partout
settings-email-replies = les réponses à mes messages
settings-email-ideas = les changements de statut des idées que j'ai proposées, votées ou suivies
settings-email-follows = les nouveaux messages dans ce que je suis

nav-notifications = Notifications
notify-reply = Réponse à votre message
notify-mention = Vous êtes mentionné
notify-idea = Nouvelles d'une idée
notify-follow = Dans ce que vous suivez
notify-none = Rien pour l'instant : réponses, mentions et nouvelles des idées apparaîtront ici.

email-digest-subject-daily = Votre résumé Grapevine du jour
email-digest-subject-weekly = Votre résumé Grapevine de la semaine
email-hello = Bonjour { $name },
email-digest-intro-daily = voici ce que le terrain a dit depuis votre dernier résumé.
email-digest-intro-weekly = voici ce que le terrain a dit cette semaine.
email-digest-threads = Nouvelles discussions
email-digest-more = et { $count } de plus sur Grapevine.
email-digest-activity = Nouveaux messages dans ce que vous suivez
email-digest-ideas = Nouvelles idées
email-digest-changes = Nouvelles des idées
email-digest-yours = la vôtre
email-digest-voted = vous avez voté
email-replies = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
}
email-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
email-anonymous = anonyme
email-by = par { $name }
email-open = Ouvrir Grapevine
email-footer = Vous recevez cet e-mail selon vos réglages Grapevine.
email-change-settings = Modifier vos réglages
email-unsubscribe-digest = Ne plus recevoir ces résumés
email-unsubscribe-replies = Ne plus recevoir d'e-mails pour les réponses
email-unsubscribe-mentions = Ne plus recevoir d'e-mails pour les mentions
email-unsubscribe-ideas = Ne plus recevoir d'e-mails sur les idées
email-unsubscribe-follows = Ne plus recevoir d'e-mails sur ce que vous suivez
email-subject-reply = { $name } a répondu dans « { $title } »
email-subject-mention = { $name } vous a mentionné dans « { $title } »
email-subject-follow = Nouveau dans ce que vous suivez : « { $title } »
email-subject-idea = Idée « { $title } » : { $status }
email-subject-batch = { $count ->
    [one] { $count } nouveau message dans « { $title } »
   *[other] { $count } nouveaux messages dans « { $title } »
}
email-read-more = Lire sur Grapevine
unsubscribe-title = Désinscription
unsubscribe-confirm = Ne plus envoyer ce type d'e-mail à { $email } ?
unsubscribe-button = Me désinscrire
unsubscribe-done = C'est fait : { $email } ne recevra plus ces e-mails. Vous pouvez les réactiver dans vos réglages.
unsubscribe-invalid = Ce lien de désinscription n'est pas valide. Connectez-vous et modifiez vos réglages d'e-mail.

search-title = Recherche
search-label = Rechercher dans Grapevine
search-placeholder = Rechercher infos, idées, comptes…
search-button = Rechercher
search-hint = Tous les mots doivent figurer. "phrase exacte", -exclure, préf*, et filtres : category: tag: kind: account: competitor: after:2026-01-01 before:2026-12-31
search-facets = Affiner les résultats
search-by-type = Type
search-by-category = Catégorie
search-by-kind = Nature
search-by-account = Compte
search-by-competitor = Concurrent
search-any-type = Tout
search-type-thread = Discussion
search-type-post = Réponse
search-type-idea = Idée
search-type-account = Compte
search-type-competitor = Concurrent
search-none = Aucun résultat. Essayez moins de mots, ou d'autres.
search-more = Plus de résultats

## Attachments
upload-attachments = Photos et documents
upload-take-photo = Prendre une photo
upload-choose-files = Choisir des fichiers
upload-hint = Photos (JPEG, PNG, WebP, GIF) ou PDF, jusqu’à { $mb } Mo chacun, 10 au plus. Vous pouvez aussi les déposer ou les coller ici.
upload-remove = Retirer
upload-refused = Fichier refusé :
upload-failed = Échec de l’envoi
upload-wait = Attendez que tous les fichiers soient envoyés.
upload-open-document = Ouvrir le document
error-too-many-attachments = Au plus 10 fichiers par message.
email-photo = Photo (connectez-vous pour la voir)

## Reports
report-question = Question
report-answer = Réponse
report-yes = Oui
report-no = Non
error-report-form-title = Donnez au formulaire un titre de 1 à 80 caractères.
error-report-form-questions = Un formulaire a de 1 à 30 questions.
error-report-question-key = Les clés de question sont en minuscules, chiffres et _, commencent par une lettre, 40 au plus.
error-report-question-key-twice = Deux questions ont cette clé.
error-report-question-label = Donnez à la question un libellé de 1 à 120 caractères.
error-report-question-options = Un choix demande de 2 à 20 options différentes de 1 à 60 caractères.
error-report-question-no-options = Seules les questions à choix ont des options.
error-report-form-language = Les traductions sont pour en ou fr.
error-report-form-translation = Un libellé traduit fait de 1 à 120 caractères (options : 60).
error-report-form-category = Cette catégorie n’existe pas.
error-report-unknown-question = Ce formulaire n’a pas cette question.
error-report-required = Cette réponse est obligatoire.
error-report-check = Cochez ou décochez (true ou false).
error-report-choice = Choisissez une des options.
error-report-choices = Choisissez parmi les options.
error-report-number = Saisissez un nombre, comme 1299 ou 12,5.
error-report-text = Quelques mots : 200 caractères au plus.
error-report-account = Ce compte n’existe pas (il a peut-être été retiré du CRM).
error-report-competitor = Ce concurrent n’existe pas.
nav-report = Signaler
capture-title = Signaler
capture-lead = Qu’avez-vous vu ou entendu ? Choisissez un type de remontée.
capture-pick-kind = Type de remontée
capture-other = Autre chose (message libre)
capture-words = En quelques mots
capture-words-hint = Facultatif : ce que vous avez vu ou entendu.
capture-title-field = Titre
capture-title-hint = Facultatif : fait à partir de vos réponses s’il est vide.
capture-send = Envoyer
capture-sending = Envoi…
capture-your-accounts = Vos comptes
capture-recent-accounts = Récents
capture-find-account = Chercher un compte
capture-find-account-hint = Tapez une partie du nom, puis choisissez-le ci-dessous.
capture-no-match = Aucun compte ne correspond.
capture-clear = Changer
capture-required = obligatoire
capture-queued = { $n ->
    [one] { $n } remontée en attente d’envoi
   *[other] { $n } remontées en attente d’envoi
}
capture-failed = Non envoyée : { $reason }
capture-fix = La corriger
capture-discard = Abandonner
capture-sent = Remontée envoyée.
capture-saved-offline = Pas de réseau : la remontée est gardée sur ce téléphone et partira au retour du réseau.
capture-shared = Partagé avec Grapevine
capture-back = Retour aux types de remontée
report-figures = Chiffres des remontées
report-figures-lead = Ce que le terrain a envoyé avec ce formulaire.
report-figures-period = Période
report-figures-from = Du
report-figures-to = Au
report-figures-apply = Afficher
report-figures-count = { $n ->
    [one] { $n } remontée
   *[other] { $n } remontées
}
report-figures-csv = Télécharger le CSV
report-figures-min = Minimum
report-figures-max = Maximum
report-figures-mean = Moyenne
report-figures-answered = Répondu
report-figures-none = Aucune réponse sur cette période.
report-figures-all = Tous
report-forms = Formulaires de remontée

## Recognition
notify-useful = Jugé utile par le marketing
email-subject-useful = { $name } a jugé utile votre message dans « { $title } »
forum-marketing = Marketing
forum-useful-by = Utile au marketing : { $names }
forum-mark-useful = Utile
forum-unmark-useful = Finalement pas utile
nav-impact = Mon impact
nav-stats = Contributeurs
impact-title = Mon impact
impact-lead = Ce que vos remontées, fils, réponses et idées ont donné : qui au marketing les a lus, jugés utiles ou y a répondu.
impact-week = Cette semaine
impact-month = Ce mois-ci
impact-quarter = Ce trimestre
impact-timeline = Les retours
impact-marked = jugé utile par { $name }
impact-replied = { $name } (marketing) a répondu
impact-nothing = Rien pour l’instant : votre prochaine remontée apparaîtra ici dès que le marketing la lira.
figure-threads = Fils
figure-reports = Remontées
figure-replies = Réponses
figure-ideas = Idées
figure-votes = Votes
figure-read_by_marketing = Lus par le marketing
figure-useful_marks = Jugés utiles
figure-marketing_replies = Réponses du marketing
figure-ideas_adopted = Idées retenues
figure-days_active = Jours actifs
stats-title = Contributeurs
stats-median = La première réponse du marketing arrive après { $hours } heures (médiane).
stats-no-response = Aucun fil de cette période n’a encore de réponse du marketing.
stats-weekly = Remontées par semaine
stats-teams = Équipes
stats-team = Équipe
stats-users = Personnes
stats-people = Personnes
stats-person = Personne
admin-save-team = Enregistrer
admin-team-changed = Équipe enregistrée.
email-impact = Vos remontées la semaine dernière : lues { $read } fois par le marketing, { $useful } { $useful ->
    [one] fois jugées utiles
   *[other] fois jugées utiles
}, { $replies } { $replies ->
    [one] réponse
   *[other] réponses
} du marketing, { $adopted } { $adopted ->
    [one] idée retenue
   *[other] idées retenues
}.

## Erreurs telles que les pages les montrent, et le résumé des formulaires.
form-errors-title = { $count ->
    [one] { $count } problème dans ce que vous avez saisi
   *[other] { $count } problèmes dans ce que vous avez saisi
}
error-unknown-accounts = Aucun compte ne s’appelle ou n’a pour numéro { $names } : choisissez dans les suggestions, ou demandez au marketing de l’ajouter.
error-unknown-competitors = Aucun concurrent ne s’appelle { $names } : choisissez dans les suggestions.
error-ambiguous-account = Plusieurs comptes s’appellent « { $name } » ({ $keys }) : choisissez-en un dans les suggestions.
error-ambiguous-competitor = Plusieurs concurrents s’appellent « { $name } » ({ $keys }) : choisissez-en un dans les suggestions.
crm-link-remove = Retirer
apperror-too_many_attachments = Trop de fichiers sur un message : retirez-en et réessayez.
apperror-unknown_upload = Un des fichiers n’est plus disponible : ajoutez-le à nouveau.
apperror-thread_locked = Cette discussion est verrouillée : plus de nouvelles réponses.
apperror-own_post = Un message est jugé utile par les autres, pas par son auteur.
apperror-slug_taken = Une autre catégorie a déjà ce nom court (slug).
apperror-email_taken = Un utilisateur a déjà cette adresse e-mail.
apperror-last_admin = C’est le dernier administrateur actif : nommez d’abord quelqu’un d’autre administrateur.
apperror-idea_merged = Cette idée a été fusionnée avec une autre : votez pour celle-ci.
apperror-invalid_merge = Choisissez l’idée avec laquelle fusionner.
apperror-unreadable_image = Cette image est illisible : envoyez une photo JPEG, PNG, WebP ou GIF.
apperror-image_too_large = Cette image a trop de pixels : envoyez une photo plus petite.
apperror-file_required = Choisissez un fichier CSV à importer.
apperror-unknown_parent = Le message auquel vous répondez n’est plus dans cette discussion.
apperror-invalid_tag = Les étiquettes utilisent lettres, chiffres et tirets, 30 caractères au plus.
apperror-invalid_date = Saisissez les dates au format AAAA-MM-JJ.
apperror-category_required = Choisissez la catégorie de destination.
apperror-unknown_category = Cette catégorie n’existe pas.
apperror-invalid_text = Le texte ne peut pas contenir de caractère NUL.
apperror-malformed_form = Le formulaire est illisible : rechargez la page et réessayez.

# Password links (invitations, resets)
audit-user-invite = a invité un utilisateur par e-mail
audit-user-invitation_accepted = a accepté une invitation
audit-user-password_reset_requested = a demandé à réinitialiser son mot de passe
audit-user-password_reset = a réinitialisé un mot de passe
login-forgot = Mot de passe oublié ?
forgot-title = Réinitialiser votre mot de passe
forgot-intro = Saisissez l'adresse e-mail avec laquelle vous vous connectez : nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = M'envoyer un lien
forgot-sent = Si un compte utilise { $email }, un lien pour choisir un nouveau mot de passe est en route. Il est valable une heure.
forgot-ask-again = Demander un nouveau lien
password-set-title-reset = Choisissez un nouveau mot de passe
password-set-title-invite = Bienvenue sur Grapevine
password-set-intro = Choisissez le mot de passe de { $email }. Vous serez connecté ici et déconnecté partout ailleurs.
password-set-submit = Enregistrer mon mot de passe
password-link-closed = Ce lien a expiré ou a déjà servi.
password-set-done = Votre mot de passe est enregistré. Vous êtes connecté.
field-new-password = Nouveau mot de passe
admin-user-invited = L'utilisateur a été créé et invité par e-mail.
admin-password-optional = Laissez le mot de passe vide pour l'inviter par e-mail.
email-subject-invite = Vous êtes invité sur Grapevine
email-subject-reset = Réinitialiser votre mot de passe Grapevine
email-invite-intro = { $inviter } vous a invité sur Grapevine, où le terrain partage ce qu'il entend avec le marketing.
email-invite-action = Choisir votre mot de passe
email-invite-expiry = Ce lien ne sert qu'une fois, pendant { $days } jours.
email-reset-intro = Quelqu'un, sans doute vous, a demandé à réinitialiser votre mot de passe Grapevine. Si ce n'est pas vous, ignorez cet e-mail : votre mot de passe ne change pas.
email-reset-action = Choisir un nouveau mot de passe
email-reset-expiry = Ce lien ne sert qu'une fois, pendant une heure.
email-footer-account = Vous recevez cet e-mail à cause de votre compte Grapevine.

# Landmark names
search-site-label = Rechercher dans Grapevine
search-page-label = Recherche et filtres
crm-search-label = Chercher dans cette liste

# Category words per language
admin-name-in-en = Nom en anglais (facultatif)
admin-name-in-fr = Nom en français (facultatif)
admin-description-in-en = Description en anglais (facultative)
admin-description-in-fr = Description en français (facultative)
