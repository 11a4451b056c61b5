/* SQL shared by the store's program files (not for use outside core/store/). */
#ifndef SIXBB_STORE_PROGRAM_SQL_H
#define SIXBB_STORE_PROGRAM_SQL_H

/* The current-plan rule (store_plan_current), written once: true for the action_plans row
 * `alias` when it is its clinic's latest plan. */
#define IS_CURRENT_PLAN(alias)                                                                     \
    alias ".plan_id = (SELECT max(plan_id) FROM action_plans WHERE site_id = " alias ".site_id)"

#endif
