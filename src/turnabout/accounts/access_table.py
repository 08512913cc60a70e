"""Who may call each page and API operation: the explicit table the authorisation matrix
test (`tests/api/test_authz_matrix.py`) checks every route against, for every role. Kept
next to the permission modules; the test fails, naming the line to add, when a route has
no row.

The matrix asks for objects of one world: program P with two active pairs, A and B, and
everything a pair, a cohort and a program can own. Every id it fills into a URL belongs to
pair B's side (participant B is pair B's mentee: their pair, sessions, goals, journal,
agreement, application, survey invitation, certificate, story). The roles it plays:

- anonymous: nobody logged in;
- participant B: the owner of those objects;
- participant A: a participant of the same cohort, in another pair;
- manager here: a program manager of P; manager elsewhere: a manager of another program;
- sponsor: an executive sponsor (aggregates only); org admin.

Each level below is the set of those roles that may reach the objects. On a route that
names no object (a list, a form to create), "manager elsewhere" counts as a manager and
"participant A" as a participant: what they then see is their own, and a level marked
`scoped` is checked to show them nothing of participant B's.
"""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
OWNER = "participant B (owner)"
OTHER_PARTICIPANT = "participant A (other pair)"
MANAGER_HERE = "manager of this program"
MANAGER_ELSEWHERE = "manager of another program"
SPONSOR = "sponsor"
ORG_ADMIN = "org admin"
ROLES = (ANONYMOUS, OWNER, OTHER_PARTICIPANT, MANAGER_HERE, MANAGER_ELSEWHERE, SPONSOR, ORG_ADMIN)
_LOGGED_IN = frozenset(ROLES) - {ANONYMOUS}


@dataclass(frozen=True)
class Level:
    name: str
    allowed: frozenset[str]
    scoped: bool = False  # a list filtered to the caller: nobody else's rows in it

    def __str__(self) -> str:
        return self.name


#: Anybody, logged in or not.
PUBLIC = Level("PUBLIC", frozenset(ROLES))
#: Any logged-in account: their own things, or what every employee may see.
USER = Level("USER", _LOGGED_IN)
#: Any logged-in account, the list filtered to what the caller may see.
SCOPED = Level("SCOPED", _LOGGED_IN, scoped=True)
#: The two partners of the pair (or the author of a journal entry, the applicant, the
#: invited person): nobody else, not a manager, not an org admin.
PARTNERS = Level("PARTNERS", frozenset({OWNER}))
#: The partners, the managers of the pair's program and org admins (pair status, the
#: person's page, the application, the certificate; never the pair's private content).
PARTNERS_AND_MANAGERS = Level("PARTNERS_AND_MANAGERS", frozenset({OWNER, MANAGER_HERE, ORG_ADMIN}))
#: The program's participants (its learning content, its guidelines).
LEARNERS = Level("LEARNERS", frozenset({OWNER, OTHER_PARTICIPANT}))
#: The program's participants, its managers and org admins.
LEARNERS_AND_MANAGERS = Level(
    "LEARNERS_AND_MANAGERS", frozenset({OWNER, OTHER_PARTICIPANT, MANAGER_HERE, ORG_ADMIN})
)
#: Executive sponsors, the program's managers and org admins: counts above the floor only.
AGGREGATES = Level("AGGREGATES", frozenset({MANAGER_HERE, SPONSOR, ORG_ADMIN}))
#: The program's managers and org admins.
MANAGER = Level("MANAGER", frozenset({MANAGER_HERE, ORG_ADMIN}))
#: Org admins only.
ADMIN = Level("ADMIN", frozenset({ORG_ADMIN}))

#: Page routes by URL name (`namespace:name`).
PAGES: dict[str, Level] = {
    "home": USER,
    "me:hub": USER,
    "me:applications": SCOPED,
    "me:matches": SCOPED,
    "login": PUBLIC,
    "logout": USER,
    "password_change": USER,
    "password_change_done": USER,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "accounts:tokens": ADMIN,
    "accounts:token_revoke": ADMIN,
    "accounts:integration_create": ADMIN,
    "people:list": MANAGER,
    "people:import": ADMIN,
    "people:import_template": ADMIN,
    "people:detail": PARTNERS_AND_MANAGERS,
    "people:invite": ADMIN,
    "audit:list": ADMIN,
    "programs:list": AGGREGATES,
    "programs:create": MANAGER,
    "programs:detail": USER,
    "programs:edit": MANAGER,
    "programs:objective_add": MANAGER,
    "programs:objective_remove": MANAGER,
    "programs:manager_add": MANAGER,
    "programs:manager_remove": MANAGER,
    "programs:cohort_create": MANAGER,
    "programs:cohort": USER,
    "programs:cohort_edit": MANAGER,
    "programs:cohort_phase": MANAGER,
    "programs:survey_setup": MANAGER,
    "programs:survey": USER,
    "programs:public": USER,
    "enrollment:join": USER,
    "enrollment:apply": USER,
    "enrollment:detail": PARTNERS_AND_MANAGERS,
    "enrollment:edit": PARTNERS,
    "enrollment:withdraw": PARTNERS,
    "enrollment:decide": MANAGER,
    "enrollment:review": MANAGER,
    "enrollment:review_bulk": MANAGER,
    "enrollment:question_add": MANAGER,
    "enrollment:question_remove": MANAGER,
    "pairing:index": USER,  # sends each role to its own pairing page
    "pairing:cohort": MANAGER,
    "pairing:start": MANAGER,
    "pairing:mentorships": MANAGER,
    "pairing:compare": MANAGER,
    "pairing:run": MANAGER,
    "pairing:run_status": MANAGER,
    "pairing:pair_check": MANAGER,
    "pairing:person_search": MANAGER,
    "pairing:pair_manual": MANAGER,
    "pairing:rerun": MANAGER,
    "pairing:publish": MANAGER,
    "pairing:lock": MANAGER,
    "pairing:remove": MANAGER,
    "pairing:exclude": MANAGER,
    "pairing:mentorship": PARTNERS_AND_MANAGERS,
    "pairing:accept": PARTNERS,
    "pairing:decline": PARTNERS,
    "pairing:end": PARTNERS_AND_MANAGERS,
    "engagement:pair": PARTNERS,
    "engagement:agreement": PARTNERS,
    "engagement:agreement_sign": PARTNERS,
    "engagement:sessions": PARTNERS,
    "engagement:session_new": PARTNERS,
    "engagement:learning": PARTNERS,
    "engagement:session": PARTNERS,
    "engagement:session_edit": PARTNERS,
    "engagement:session_cancel": PARTNERS,
    "engagement:session_log": PARTNERS,
    "engagement:session_ics": PARTNERS,
    "engagement:goal": PARTNERS,
    "engagement:goal_update": PARTNERS,
    "engagement:milestone_add": PARTNERS,
    "engagement:milestone_toggle": PARTNERS,
    "engagement:reflections": SCOPED,
    "engagement:reflection_delete": PARTNERS,
    "engagement:programs": AGGREGATES,
    "engagement:program": AGGREGATES,
    "feedback:mine": SCOPED,
    "feedback:answer": PARTNERS,
    "feedback:fit_flag": PARTNERS,
    "feedback:cohort": MANAGER,
    "feedback:survey_new": MANAGER,
    "feedback:survey": MANAGER,
    "feedback:preview": MANAGER,
    "feedback:open": MANAGER,
    "feedback:close": MANAGER,
    "feedback:question_new": MANAGER,
    "feedback:question": MANAGER,
    "feedback:question_delete": MANAGER,
    "feedback:question_move": MANAGER,
    "feedback:results": AGGREGATES,
    "feedback:export": MANAGER,
    "feedback:fit_flag_resolve": MANAGER,
    "api_not_found": PUBLIC,
    # Routes of the sign-in, integrations, learning and recognition apps.
    "account_change_password": USER,
    "account_confirm_email": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_confirm_reauthentication_code": USER,
    "account_email": USER,
    "account_email_verification_sent": PUBLIC,
    "account_inactive": PUBLIC,
    "account_login": PUBLIC,
    "account_logout": USER,
    "account_reauthenticate": USER,
    "account_request_reauthentication_code": USER,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_set_password": USER,
    "account_signup": PUBLIC,
    "accounts/social/connections/": USER,
    "accounts/social/login/cancelled/": PUBLIC,
    "accounts/social/login/error/": PUBLIC,
    "accounts/social/signup/": PUBLIC,
    "accounts:lockout_unlock": ADMIN,
    "accounts:lockouts": ADMIN,
    "accounts:notifications": USER,
    "accounts:role_grant": ADMIN,
    "accounts:role_revoke": ADMIN,
    "accounts:roles": ADMIN,
    "accounts:settings": ADMIN,
    "accounts:sso": ADMIN,
    "certificate_verify": PUBLIC,
    "health": PUBLIC,
    "integrations:channel_delete": MANAGER,
    "integrations:channels": MANAGER,
    "integrations:deliveries": ADMIN,
    "integrations:delivery_retry": ADMIN,
    "integrations:webhook_delete": ADMIN,
    "integrations:webhook_test": ADMIN,
    "integrations:webhooks": ADMIN,
    "learning:cohort_participants": MANAGER,
    "learning:file": LEARNERS_AND_MANAGERS,
    "learning:gate_set": MANAGER,
    "learning:guide": LEARNERS_AND_MANAGERS,
    "learning:guide_action": MANAGER,
    "learning:guide_create": MANAGER,
    "learning:guide_edit": MANAGER,
    "learning:guidelines": LEARNERS_AND_MANAGERS,
    "learning:index": USER,
    "learning:library": LEARNERS_AND_MANAGERS,
    "learning:module": LEARNERS_AND_MANAGERS,
    "learning:module_create": MANAGER,
    "learning:module_edit": MANAGER,
    "learning:module_move": MANAGER,
    "learning:module_retire": MANAGER,
    "learning:program": LEARNERS_AND_MANAGERS,
    "learning:resource": LEARNERS_AND_MANAGERS,
    "learning:resource_action": MANAGER,
    "learning:resource_create": MANAGER,
    "learning:resource_edit": MANAGER,
    "learning:starter_install": MANAGER,
    "learning:step_complete": LEARNERS,
    "learning:step_create": MANAGER,
    "learning:step_delete": MANAGER,
    "learning:step_edit": MANAGER,
    "learning:step_move": MANAGER,
    "mfa_activate_totp": USER,
    "mfa_authenticate": PUBLIC,
    "mfa_deactivate_totp": USER,
    "mfa_download_recovery_codes": USER,
    "mfa_generate_recovery_codes": USER,
    "mfa_index": USER,
    "mfa_reauthenticate": USER,
    "mfa_view_recovery_codes": USER,
    "openid_connect_callback": PUBLIC,
    "openid_connect_login": PUBLIC,
    "recognition:certificate_pdf": PARTNERS_AND_MANAGERS,
    "recognition:certificate_revoke": MANAGER,
    "recognition:cohort": MANAGER,
    "recognition:issue": MANAGER,
    "recognition:mine": SCOPED,
    "recognition:story_consent": PARTNERS,
    "recognition:story_edit": PARTNERS,
    "recognition:story_publish": MANAGER,
    "saml_acs": PUBLIC,
    "saml_finish_acs": PUBLIC,
    "saml_login": PUBLIC,
    "saml_metadata": PUBLIC,
    "saml_sls": PUBLIC,
    "socialaccount_connections": USER,
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": PUBLIC,
    "socialaccount_signup": PUBLIC,
    "insights:cohort": AGGREGATES,
    "insights:compare": AGGREGATES,
    "insights:export": MANAGER,
    "insights:exports": AGGREGATES,
    "insights:groups": AGGREGATES,
    "insights:health": MANAGER,
    "insights:health_all": SCOPED,
    "insights:index": USER,
    "insights:kpi": AGGREGATES,
    "insights:kpi_value_add": MANAGER,
    "insights:lessons": MANAGER,
    "insights:lessons_apply": MANAGER,
    "insights:note_add": MANAGER,
    "insights:pair": MANAGER,
    "insights:program": AGGREGATES,
    "insights:rematch": MANAGER,
    "insights:report": AGGREGATES,
    "insights:retention": AGGREGATES,
    "insights:snooze": MANAGER,
}

#: API operations by "METHOD /api/v1/path" as in the OpenAPI schema.
API: dict[str, Level] = {
    "GET /api/v1/people": MANAGER,
    "GET /api/v1/people/{person_id}": PARTNERS_AND_MANAGERS,
    "GET /api/v1/me/notifications": USER,
    "PUT /api/v1/me/notifications": USER,
    "GET /api/v1/programs/{program_id}/file": MANAGER,
    "POST /api/v1/programs/apply": MANAGER,
    "POST /api/v1/people/import": ADMIN,
    "GET /api/v1/programs": USER,
    "POST /api/v1/programs": MANAGER,
    "GET /api/v1/programs/{program_id}": USER,
    "PATCH /api/v1/programs/{program_id}": MANAGER,
    "GET /api/v1/programs/{program_id}/managers": AGGREGATES,
    "POST /api/v1/programs/{program_id}/managers": MANAGER,
    "DELETE /api/v1/programs/{program_id}/managers/{user_id}": MANAGER,
    "GET /api/v1/programs/{program_id}/cohorts": USER,
    "POST /api/v1/programs/{program_id}/cohorts": MANAGER,
    "GET /api/v1/cohorts/{cohort_id}": USER,
    "PATCH /api/v1/cohorts/{cohort_id}": MANAGER,
    "POST /api/v1/cohorts/{cohort_id}/phase": MANAGER,
    "GET /api/v1/cohorts/{cohort_id}/survey": AGGREGATES,
    "POST /api/v1/cohorts/{cohort_id}/survey/responses": USER,
    "GET /api/v1/cohorts/{cohort_id}/applications": SCOPED,
    "POST /api/v1/cohorts/{cohort_id}/applications": USER,
    "POST /api/v1/cohorts/{cohort_id}/applications/decisions": MANAGER,
    "GET /api/v1/applications/{application_id}": PARTNERS_AND_MANAGERS,
    "PATCH /api/v1/applications/{application_id}": PARTNERS,
    "POST /api/v1/applications/{application_id}/withdraw": PARTNERS,
    "POST /api/v1/applications/{application_id}/decision": MANAGER,
    "POST /api/v1/cohorts/{cohort_id}/match-runs": MANAGER,
    "GET /api/v1/cohorts/{cohort_id}/match-runs": MANAGER,
    "GET /api/v1/cohorts/{cohort_id}/pairing-counts": AGGREGATES,
    "GET /api/v1/match-runs/{run_id}": MANAGER,
    "GET /api/v1/match-runs/{run_id}/proposals": MANAGER,
    "GET /api/v1/match-runs/{run_id}/unmatched": MANAGER,
    "GET /api/v1/match-runs/{run_id}/compare/{other_id}": MANAGER,
    "POST /api/v1/match-runs/{run_id}/publish": MANAGER,
    "POST /api/v1/match-runs/{run_id}/proposals": MANAGER,
    "POST /api/v1/proposals/{proposal_id}/lock": MANAGER,
    "POST /api/v1/proposals/{proposal_id}/remove": MANAGER,
    "POST /api/v1/proposals/{proposal_id}/exclude": MANAGER,
    "GET /api/v1/mentorships": SCOPED,
    "GET /api/v1/mentorships/{mentorship_id}": PARTNERS_AND_MANAGERS,
    "POST /api/v1/mentorships/{mentorship_id}/accept": PARTNERS,
    "POST /api/v1/mentorships/{mentorship_id}/decline": PARTNERS,
    "POST /api/v1/mentorships/{mentorship_id}/end": PARTNERS_AND_MANAGERS,
    "GET /api/v1/mentorships/{mentorship_id}/agreement": PARTNERS,
    "PUT /api/v1/mentorships/{mentorship_id}/agreement": PARTNERS,
    "POST /api/v1/mentorships/{mentorship_id}/agreement/sign": PARTNERS,
    "GET /api/v1/mentorships/{mentorship_id}/agreement/status": PARTNERS_AND_MANAGERS,
    "GET /api/v1/mentorships/{mentorship_id}/sessions": PARTNERS,
    "POST /api/v1/mentorships/{mentorship_id}/sessions": PARTNERS,
    "GET /api/v1/sessions/{session_id}": PARTNERS,
    "PATCH /api/v1/sessions/{session_id}": PARTNERS,
    "POST /api/v1/sessions/{session_id}/cancel": PARTNERS,
    "PUT /api/v1/sessions/{session_id}/log": PARTNERS,
    "GET /api/v1/sessions/{session_id}/ics": PARTNERS,
    "GET /api/v1/mentorships/{mentorship_id}/goals": PARTNERS,
    "PATCH /api/v1/goals/{goal_id}": PARTNERS,
    "POST /api/v1/goals/{goal_id}/milestones": PARTNERS,
    "PATCH /api/v1/milestones/{milestone_id}": PARTNERS,
    "GET /api/v1/mentorships/{mentorship_id}/learning": PARTNERS,
    "POST /api/v1/mentorships/{mentorship_id}/learning": PARTNERS,
    "GET /api/v1/reflections": SCOPED,
    "POST /api/v1/reflections": USER,
    "GET /api/v1/reflections/{reflection_id}": PARTNERS,
    "DELETE /api/v1/reflections/{reflection_id}": PARTNERS,
    "GET /api/v1/programs/{program_id}/engagement": AGGREGATES,
    "GET /api/v1/surveys": SCOPED,  # the surveys the caller manages (none for others)
    "POST /api/v1/surveys": MANAGER,
    "GET /api/v1/surveys/{survey_id}": MANAGER,
    "PATCH /api/v1/surveys/{survey_id}": MANAGER,
    "POST /api/v1/surveys/{survey_id}/questions": MANAGER,
    "POST /api/v1/surveys/{survey_id}/open": MANAGER,
    "POST /api/v1/surveys/{survey_id}/close": MANAGER,
    "GET /api/v1/surveys/{survey_id}/results": AGGREGATES,
    "GET /api/v1/surveys/{survey_id}/export": MANAGER,
    "GET /api/v1/me/surveys": SCOPED,
    "GET /api/v1/me/surveys/{invitation_id}": PARTNERS,
    "POST /api/v1/me/surveys/{invitation_id}/answers": PARTNERS,
    "GET /api/v1/badges": USER,
    "GET /api/v1/certificates/verify/{code}": PUBLIC,
    "GET /api/v1/cohorts/{cohort_id}/certificates": MANAGER,
    "GET /api/v1/cohorts/{cohort_id}/readiness": MANAGER,
    "GET /api/v1/me/badges": SCOPED,
    "GET /api/v1/me/certificates": SCOPED,
    "GET /api/v1/modules/{module_id}": LEARNERS_AND_MANAGERS,
    "GET /api/v1/people/{person_id}/badges": USER,
    "GET /api/v1/programs/{program_id}/library": LEARNERS_AND_MANAGERS,
    "GET /api/v1/programs/{program_id}/modules": LEARNERS_AND_MANAGERS,
    "GET /api/v1/programs/{program_id}/stories": USER,
    "POST /api/v1/certificates/{certificate_id}/revoke": MANAGER,
    "POST /api/v1/cohorts/{cohort_id}/certificates": MANAGER,
    "POST /api/v1/cohorts/{cohort_id}/guidelines/acknowledge": LEARNERS,
    "POST /api/v1/cohorts/{cohort_id}/recognition": MANAGER,
    "POST /api/v1/programs/{program_id}/guides": MANAGER,
    "POST /api/v1/programs/{program_id}/resources": MANAGER,
    "POST /api/v1/steps/{step_id}/complete": LEARNERS,
    "POST /api/v1/stories/{story_id}/consent": PARTNERS,
    "POST /api/v1/stories/{story_id}/publish": MANAGER,
    "PUT /api/v1/mentorships/{mentorship_id}/story": PARTNERS,
    "GET /api/v1/insights/cohorts/{cohort_id}/dashboard": AGGREGATES,
    "GET /api/v1/insights/cohorts/{cohort_id}/retention": AGGREGATES,
    "GET /api/v1/insights/objectives/{objective_id}/history": AGGREGATES,
    "GET /api/v1/insights/programs/{program_id}/dashboard": AGGREGATES,
    "GET /api/v1/insights/programs/{program_id}/exports/{table}": MANAGER,
    "GET /api/v1/insights/programs/{program_id}/groups": AGGREGATES,
    "GET /api/v1/insights/programs/{program_id}/kpis": AGGREGATES,
    "GET /api/v1/insights/programs/{program_id}/lessons": MANAGER,
    "GET /api/v1/insights/programs/{program_id}/pair-health": MANAGER,
    "POST /api/v1/insights/objectives/{objective_id}/values": MANAGER,
    "POST /api/v1/insights/pairs/{pair_id}/check-in-notes": MANAGER,
    "POST /api/v1/insights/pairs/{pair_id}/rematch-offers": MANAGER,
    "POST /api/v1/insights/pairs/{pair_id}/snoozes": MANAGER,
    "POST /api/v1/insights/programs/{program_id}/lessons/apply": MANAGER,
}
