app-name = Grapevine
nav-skip = Aller au contenu
nav-label = Principal
nav-home = Accueil
nav-admin = Utilisateurs
nav-settings = Préférences
nav-logout = Se déconnecter

login-title = Connexion
login-submit = Se connecter
login-failed = E-mail ou mot de passe incorrect.
login-throttled = Trop de tentatives échouées. Réessayez dans { $minutes } minutes.
logout-title = Se déconnecter de Grapevine ?

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
