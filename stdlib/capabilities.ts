/**
 * The MIMI Role Capabilities registry (draft-ietf-mimi-room-policy-03, IANA section, suggested values),
 * as data: the one place capability names, codes and categories are defined. Copied from the project's
 * shared spec (capabilities.json) with a one-line description of each for hovers and docs.
 */
export type CapabilityCategory = "membership" | "message" | "asset" | "metadata" | "self-presentation" | "media" | "disruptive" | "mls";

export interface CapabilityInfo {
  readonly name: string;
  readonly code: number;
  readonly category: CapabilityCategory;
  /** reserved in the registry: no defined semantics yet */
  readonly reserved: boolean;
  readonly description: string;
}

/** Private-use capability codes: 0xF000–0xFFFF. Policies must declare the ones they use. */
export const PRIVATE_USE_MIN = 0xf000;
export const PRIVATE_USE_MAX = 0xffff;

export const capabilities: readonly CapabilityInfo[] = [
  { name: "canAddParticipant", code: 0x0000, category: "membership", reserved: false, description: "add another user to the participant list, in a role allowed by the holder's 0 -> entry" },
  { name: "canRemoveParticipant", code: 0x0001, category: "membership", reserved: false, description: "remove another user and all its clients, if the holder's changes allow its role -> 0" },
  { name: "canAddOwnClient", code: 0x0002, category: "membership", reserved: false, description: "add the holder's own clients (external commit/proposal, or Add proposals once a member)" },
  { name: "canRemoveOwnClient", code: 0x0003, category: "membership", reserved: false, description: "propose removing one of its own clients without changing the participant list" },
  { name: "canOpenJoin", code: 0x0004, category: "membership", reserved: false, description: "on role 0 only: any non-participant may join itself as a target of role 0's 0 -> entry" },
  { name: "canJoinIfPreauthorized", code: 0x0005, category: "membership", reserved: false, description: "on a non-zero role: a non-participant whose first preauth match is this role may join" },
  { name: "canRemoveSelf", code: 0x0006, category: "membership", reserved: false, description: "leave the participant list with all own clients, if the holder's changes allow role -> 0" },
  { name: "canCreateJoinCode", code: 0x0007, category: "membership", reserved: true, description: "reserved: create a join code for the room (no semantics defined yet)" },
  { name: "canDeleteJoinCode", code: 0x0008, category: "membership", reserved: true, description: "reserved: delete a join code of the room (no semantics defined yet)" },
  { name: "canUseJoinCode", code: 0x0009, category: "membership", reserved: false, description: "externally join the room with a valid join code that names a valid target role" },
  { name: "canBan", code: 0x000a, category: "membership", reserved: false, description: "move another user to the banned role (1) along the holder's changes and remove its clients" },
  { name: "canUnBan", code: 0x000b, category: "membership", reserved: false, description: "move a participant out of the banned role (1) along the holder's authorized role changes" },
  { name: "canKick", code: 0x000c, category: "membership", reserved: false, description: "remove another participant's clients without changing the participant list" },
  { name: "canKnock", code: 0x000d, category: "membership", reserved: true, description: "reserved: request entry into the room (no semantics defined yet)" },
  { name: "canAcceptKnock", code: 0x000e, category: "membership", reserved: true, description: "reserved: accept a request to enter the room (no semantics defined yet)" },
  { name: "canChangeUserRole", code: 0x000f, category: "membership", reserved: false, description: "change another participant's role to a non-zero role along the holder's authorized changes" },
  { name: "canChangeOwnRole", code: 0x0010, category: "membership", reserved: false, description: "change its own role to the first non-zero role it matches in the preauthorized users" },
  { name: "canCreateSubgroup", code: 0x0011, category: "membership", reserved: true, description: "reserved: create a subgroup of the room (no semantics defined yet)" },
  { name: "canSendMessage", code: 0x0100, category: "message", reserved: false, description: "send instant messages to the room" },
  { name: "canReceiveMessage", code: 0x0101, category: "message", reserved: false, description: "receive instant messages from the room" },
  { name: "canCopyMessage", code: 0x0102, category: "message", reserved: false, description: "copy content from a received instant message" },
  { name: "canReportAbuse", code: 0x0103, category: "message", reserved: false, description: "report a franked instant message as abusive" },
  { name: "canReplyToMessage", code: 0x0104, category: "message", reserved: false, description: "send a message replying to another message" },
  { name: "canReactToMessage", code: 0x0105, category: "message", reserved: false, description: "send a reaction to another message (a reply with the reaction disposition)" },
  { name: "canEditReaction", code: 0x0106, category: "message", reserved: false, description: "replace its own previous reaction with another reaction" },
  { name: "canDeleteOwnReaction", code: 0x0107, category: "message", reserved: false, description: "retract (unlike) its own previous reaction" },
  { name: "canDeleteOtherReaction", code: 0x0108, category: "message", reserved: false, description: "delete another user's previous reaction" },
  { name: "canEditOwnMessage", code: 0x0109, category: "message", reserved: false, description: "edit the content of its own previously sent messages" },
  { name: "canDeleteOwnMessage", code: 0x010a, category: "message", reserved: false, description: "retract its own previously sent messages" },
  { name: "canDeleteOtherMessage", code: 0x010b, category: "message", reserved: false, description: "retract messages sent by other users" },
  { name: "canStartTopic", code: 0x010c, category: "message", reserved: false, description: "set the topic for a message" },
  { name: "canReplyInTopic", code: 0x010d, category: "message", reserved: false, description: "reply to a previous message using the same topic as the original sender" },
  { name: "canEditOwnTopic", code: 0x010e, category: "message", reserved: false, description: "change the topic of its own previously sent messages" },
  { name: "canEditOtherTopic", code: 0x010f, category: "message", reserved: false, description: "change the topic of a message previously sent by another user" },
  { name: "canSendDirectMessage", code: 0x0110, category: "message", reserved: true, description: "reserved: send a direct message within the room (no semantics defined yet)" },
  { name: "canTargetMessage", code: 0x0111, category: "message", reserved: true, description: "reserved: send a message targeted at specific members (no semantics defined yet)" },
  { name: "canUploadImage", code: 0x0200, category: "asset", reserved: false, description: "upload a file with media type image and the render disposition" },
  { name: "canUploadAudio", code: 0x0201, category: "asset", reserved: false, description: "upload a file with media type audio and the render disposition" },
  { name: "canUploadVideo", code: 0x0202, category: "asset", reserved: false, description: "upload a file with media type video and the render disposition" },
  { name: "canUploadAttachment", code: 0x0203, category: "asset", reserved: false, description: "upload a file with the attachment disposition" },
  { name: "canDownloadImage", code: 0x0204, category: "asset", reserved: false, description: "download a file with media type image and the render disposition" },
  { name: "canDownloadAudio", code: 0x0205, category: "asset", reserved: false, description: "download a file with media type audio and the render disposition" },
  { name: "canDownloadVideo", code: 0x0206, category: "asset", reserved: false, description: "download a file with media type video and the render disposition" },
  { name: "canDownloadAttachment", code: 0x0207, category: "asset", reserved: false, description: "download a file with the attachment disposition" },
  { name: "canSendLink", code: 0x0208, category: "asset", reserved: false, description: "send an inline link" },
  { name: "canSendLinkPreview", code: 0x0209, category: "asset", reserved: false, description: "send an inline link with an associated preview" },
  { name: "canFollowLink", code: 0x020a, category: "asset", reserved: false, description: "open a sent inline link" },
  { name: "canCopyLink", code: 0x020b, category: "asset", reserved: false, description: "copy the URL of a sent inline link" },
  { name: "canChangeRoomName", code: 0x0300, category: "metadata", reserved: false, description: "change the room's name in the room metadata" },
  { name: "canChangeRoomDescription", code: 0x0301, category: "metadata", reserved: false, description: "change the room's description in the room metadata" },
  { name: "canChangeRoomAvatar", code: 0x0302, category: "metadata", reserved: false, description: "change the room's avatar in the room metadata" },
  { name: "canChangeRoomSubject", code: 0x0303, category: "metadata", reserved: false, description: "change the room's subject in the room metadata" },
  { name: "canChangeRoomMood", code: 0x0304, category: "metadata", reserved: false, description: "change the room's mood in the room metadata" },
  { name: "canChangeOwnName", code: 0x0380, category: "self-presentation", reserved: true, description: "reserved: change its own display name in the room (no semantics defined yet)" },
  { name: "canChangeOwnPresence", code: 0x0381, category: "self-presentation", reserved: true, description: "reserved: change its own presence status (no semantics defined yet)" },
  { name: "canChangeOwnMood", code: 0x0382, category: "self-presentation", reserved: true, description: "reserved: change its own mood (no semantics defined yet)" },
  { name: "canChangeOwnAvatar", code: 0x0383, category: "self-presentation", reserved: true, description: "reserved: change its own avatar (no semantics defined yet)" },
  { name: "canStartCall", code: 0x0400, category: "media", reserved: false, description: "initiate a new real-time call or conference" },
  { name: "canJoinCall", code: 0x0401, category: "media", reserved: false, description: "join an existing real-time call or conference" },
  { name: "canSendAudio", code: 0x0402, category: "media", reserved: false, description: "contribute audio in a call or conference" },
  { name: "canReceiveAudio", code: 0x0403, category: "media", reserved: false, description: "receive audio in a call or conference" },
  { name: "canSendVideo", code: 0x0404, category: "media", reserved: false, description: "contribute video in a call or conference" },
  { name: "canReceiveVideo", code: 0x0405, category: "media", reserved: false, description: "receive video in a call or conference" },
  { name: "canShareScreen", code: 0x0406, category: "media", reserved: false, description: "contribute screen sharing in a call or conference" },
  { name: "canViewSharedScreen", code: 0x0407, category: "media", reserved: false, description: "receive screen sharing in a call or conference" },
  { name: "canCreateRoom", code: 0x0500, category: "disruptive", reserved: true, description: "reserved: create a new room (no semantics defined yet)" },
  { name: "canDestroyRoom", code: 0x0501, category: "disruptive", reserved: false, description: "completely destroy the room" },
  { name: "canChangeRoomMembershipStyle", code: 0x0502, category: "disruptive", reserved: false, description: "modify the base room policy's membership style" },
  { name: "canChangeRoleDefinitions", code: 0x0503, category: "disruptive", reserved: false, description: "change the role definitions (the roles_list component)" },
  { name: "canChangePreauthorizedUserList", code: 0x0504, category: "disruptive", reserved: false, description: "change the preauthorized users (the preauth_list component)" },
  { name: "canChangeOtherPolicyAttribute", code: 0x0505, category: "disruptive", reserved: true, description: "reserved: change other room policy attributes (no semantics defined yet)" },
  { name: "canChangeMlsOperationalPolicies", code: 0x0600, category: "mls", reserved: true, description: "reserved: change the MLS operational policy (no semantics defined yet)" },
  { name: "canSendMLSReinitProposal", code: 0x0601, category: "mls", reserved: false, description: "send an MLS ReInit proposal" },
  { name: "canSendMLSUpdateProposal", code: 0x0602, category: "mls", reserved: true, description: "reserved: MLS Update proposal (update policy; no semantics defined yet)" },
  { name: "canSendMLSPSKProposal", code: 0x0603, category: "mls", reserved: true, description: "reserved: MLS PreSharedKey proposal (PSK policy; no semantics defined yet)" },
  { name: "canSendMLSExternalProposal", code: 0x0604, category: "mls", reserved: true, description: "reserved: MLS external proposals (operational policy; no semantics yet)" },
  { name: "canSendMLSExternalCommit", code: 0x0605, category: "mls", reserved: true, description: "reserved: MLS external commits (operational policy; no semantics yet)" },
];
