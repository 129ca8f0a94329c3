/** An internal note on a request: visible to admins only, never sent to the requester. */
export interface RequestNote {
  id: string;
  requestId: string;
  author: string;
  text: string;
  createdAt: Date;
}
