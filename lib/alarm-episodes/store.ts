/**
 * Every read and write of the alarm-episode table (contracts/alarm-episodes.ts), for the notifier, the
 * ack/escalate commands and status alike: batch reads, conditional "sent" records, acknowledgements.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  EPISODE_ATTRIBUTES as A,
  type AlarmEpisode,
  decodeEpisode,
  episodeExpiry,
  episodeKey,
  episodeLookupKey,
} from '../../contracts/alarm-episodes.js';

export interface EpisodeStore {
  /** The items of these episodes that exist, by `episodeLookupKey`. */
  read(keys: readonly { alarm: string; episode: string }[]): Promise<Map<string, AlarmEpisode>>;
  /** Records a P1 re-notification; false when another run recorded one since `previous` (nothing written). */
  recordP1Notice(alarm: string, episode: string, at: Date, previous: string | undefined): Promise<boolean>;
  /** Records that level 2 was notified; false when it already was (nothing written). */
  recordLevel2Sent(alarm: string, episode: string, at: Date): Promise<boolean>;
}

/** The outcome of a person's write: done, or the episode as someone else already left it. */
export type PersonWrite = { readonly done: true } | { readonly done: false; readonly existing: AlarmEpisode };

/** BatchGetItem takes at most 100 keys per call. */
const BATCH = 100;

export class DynamoEpisodeStore implements EpisodeStore {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly table: string,
  ) {}

  async read(keys: readonly { alarm: string; episode: string }[]): Promise<Map<string, AlarmEpisode>> {
    const found = new Map<string, AlarmEpisode>();
    for (let i = 0; i < keys.length; i += BATCH) {
      let pending: Record<string, { S: string }>[] = keys
        .slice(i, i + BATCH)
        .map((k) => episodeKey(k.alarm, k.episode));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === 5)
          throw new Error(`alarm-episode table ${this.table}: keys still unprocessed after 5 tries`);
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? []) {
          const episode = decodeEpisode(item);
          found.set(episodeLookupKey(episode.alarm, episode.episode), episode);
        }
        pending = (out.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, { S: string }>[];
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return found;
  }

  async recordP1Notice(alarm: string, episode: string, at: Date, previous: string | undefined) {
    return this.conditionalUpdate({
      TableName: this.table,
      Key: episodeKey(alarm, episode),
      UpdateExpression: 'SET #last = :at, #exp = if_not_exists(#exp, :exp) ADD #count :one',
      ConditionExpression: previous === undefined ? 'attribute_not_exists(#last)' : '#last = :prev',
      ExpressionAttributeNames: { '#last': A.lastP1NoticeAt, '#count': A.p1Notices, '#exp': A.expiresAt },
      ExpressionAttributeValues: {
        ':at': { S: at.toISOString() },
        ':one': { N: '1' },
        ':exp': { N: String(episodeExpiry(episode)) },
        ...(previous === undefined ? {} : { ':prev': { S: previous } }),
      },
    });
  }

  async recordLevel2Sent(alarm: string, episode: string, at: Date) {
    return this.conditionalUpdate({
      TableName: this.table,
      Key: episodeKey(alarm, episode),
      UpdateExpression: 'SET #sent = :at, #exp = if_not_exists(#exp, :exp)',
      ConditionExpression: 'attribute_not_exists(#sent)',
      ExpressionAttributeNames: { '#sent': A.level2SentAt, '#exp': A.expiresAt },
      ExpressionAttributeValues: {
        ':at': { S: at.toISOString() },
        ':exp': { N: String(episodeExpiry(episode)) },
      },
    });
  }

  /** `npm run ack`: who has it. Never overwrites an earlier acknowledgement of the same episode. */
  async acknowledge(alarm: string, episode: string, by: string, at: Date, note: string | undefined) {
    return this.personWrite(alarm, episode, { who: A.ackBy, when: A.ackAt, by, at, note });
  }

  /** `npm run escalate`: ask for level 2. The next escalation check sends it. */
  async requestLevel2(alarm: string, episode: string, by: string, at: Date) {
    return this.personWrite(alarm, episode, { who: A.level2RequestedBy, when: A.level2RequestedAt, by, at });
  }

  private async personWrite(
    alarm: string,
    episode: string,
    w: { who: string; when: string; by: string; at: Date; note?: string | undefined },
  ): Promise<PersonWrite> {
    const withNote = w.note !== undefined;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: episodeKey(alarm, episode),
          UpdateExpression: `SET #who = :who, #when = :when, #exp = if_not_exists(#exp, :exp)${withNote ? ', #note = :note' : ''}`,
          ConditionExpression: 'attribute_not_exists(#who)',
          ExpressionAttributeNames: {
            '#who': w.who,
            '#when': w.when,
            '#exp': A.expiresAt,
            ...(withNote ? { '#note': A.ackNote } : {}),
          },
          ExpressionAttributeValues: {
            ':who': { S: w.by },
            ':when': { S: w.at.toISOString() },
            ':exp': { N: String(episodeExpiry(episode)) },
            ...(withNote ? { ':note': { S: w.note as string } } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { done: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        return { done: false, existing: decodeEpisode(error.Item) };
      }
      throw error;
    }
  }

  private async conditionalUpdate(
    input: ConstructorParameters<typeof UpdateItemCommand>[0],
  ): Promise<boolean> {
    try {
      await this.client.send(new UpdateItemCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
