export type AssetStatus = 'active' | 'inactive';

/** The machine or device a certificate belongs to; enrolling from an asset prefills the request. */
export interface Asset {
  id: string;
  name: string;
  dnsNames: string[];
  owner: string | null;
  notifyEmail: string | null;
  attributes: Record<string, string>;
  status: AssetStatus;
  createdAt: Date;
  updatedAt: Date;
}
