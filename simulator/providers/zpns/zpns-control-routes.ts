// The docs of the /api/zpns control routes (zpns-provider.ts serves them): the ZPNs section of
// GET /api/openapi.json and docs/control-api.md, read from the module (controlRoutes).
import type { ControlRoutesDoc } from '../service-module.js';
import { callCancelSchema, callInviteSchema, sendMessageSchema } from './zim-config.js';
import { zpnsLoginSchema, zpnsStrategySchema } from './zpns-provider.js';

export const ZPNS_CONTROL_ROUTES: ControlRoutesDoc = {
  description: 'ZEGO ZPNs: push strategies (resourcesID), ZIM users, messages and call invitations',
  routes: [
    {
      method: 'get',
      path: '/zpns/presets',
      summary: 'The push-strategy presets',
      responses: { 200: 'preset → strategy' },
    },
    {
      method: 'get',
      path: '/zpns/strategies',
      summary: 'The declared push strategies (resourcesIDs)',
      responses: { 200: 'a list of strategies' },
    },
    {
      method: 'post',
      path: '/zpns/strategies',
      summary: 'Declare a push strategy (resourcesID), from a preset or spelled out',
      body: zpnsStrategySchema,
      example: { resourcesID: 'silent', preset: 'silent' },
      responses: { 201: 'the strategy' },
    },
    {
      method: 'delete',
      path: '/zpns/strategies/:resourcesID',
      summary: 'Remove a push strategy',
      params: { resourcesID: 'the resourcesID' },
      responses: { 204: 'removed', 404: 'no such resourcesID' },
    },
    {
      method: 'get',
      path: '/zpns/users',
      summary: 'The logged-in ZIM users and their connections',
      responses: { 200: 'a list of sessions' },
    },
    {
      method: 'post',
      path: '/zpns/users',
      summary: "Log an app's ZIM user in (connection `down`: offline, so sends become pushes)",
      body: zpnsLoginSchema,
      example: { userID: 'bob', appId: 'chat', connection: 'down' },
      responses: { 201: '`{ userID, appId, pushID }`', 404: 'no such app' },
    },
    {
      method: 'delete',
      path: '/zpns/users/:userID',
      summary: 'Log a ZIM user out',
      params: { userID: 'the ZIM user id' },
      responses: { 204: 'logged out' },
    },
    {
      method: 'post',
      path: '/zpns/messages',
      summary: "Send a ZIM message, as ZIM's sendMessage (peer conversations)",
      body: sendMessageSchema,
      example: {
        fromUserID: 'alice',
        toConversationID: 'bob',
        message: { type: 1, message: 'sync' },
        config: { priority: 2, pushConfig: { resourcesID: 'silent', payload: '{"sync":"inbox"}' } },
      },
      responses: { 201: '`{ message, results }`: the message and, per receiver, in-app or push and its fate' },
    },
    {
      method: 'post',
      path: '/zpns/call-invitations',
      summary: "Send a call invitation, as ZIM's callInvite (timeout 90, mode 0 by default)",
      body: callInviteSchema,
      example: {
        fromUserID: 'alice',
        invitees: ['bob'],
        config: { pushConfig: { resourcesID: 'voip', title: 'alice' } },
      },
      responses: { 201: '`{ callID, timeout, mode, results }`' },
    },
    {
      method: 'post',
      path: '/zpns/call-cancellations',
      summary: "Cancel a call invitation, as ZIM's callCancel",
      body: callCancelSchema,
      example: { fromUserID: 'alice', callID: '<the callID>', invitees: ['bob'] },
      responses: { 201: '`{ callID, results }`' },
    },
  ],
};
