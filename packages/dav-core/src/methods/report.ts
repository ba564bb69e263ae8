import { dav } from '@partage/dav-xml';
import { davConditions } from '../conditions.js';
import { DavError } from '../dav-error.js';
import { requirePrivilege, resolveOr404 } from '../guard.js';
import { defineMethod } from '../handlers.js';
import { readXmlBody } from './body.js';

/** REPORT (RFC 3253 §3.6): dispatched to the registered report; unknown or inapplicable ones are 403 `supported-report`. */
export const reportMethod = defineMethod({
  name: 'REPORT',
  run: async (ctx, server) => {
    const body = await readXmlBody(ctx, server);
    if (!body) throw new DavError(400, undefined, 'REPORT needs a body');
    const resource = await resolveOr404(ctx, server, ctx.path);
    await requirePrivilege(ctx, server, resource, dav('read'));
    const report = server.registry.report(body.name);
    if (!report?.appliesTo(resource)) throw davConditions.supportedReport();
    return report.run(report.parse(body), resource, ctx, server);
  },
});
