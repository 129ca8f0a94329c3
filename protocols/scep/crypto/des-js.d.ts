/** The part of des.js (indutny, pure JavaScript DES) the SCEP face uses for opt-in single DES. */
declare module 'des.js' {
  interface CipherInstance {
    update(data: ArrayLike<number>): number[];
    final(): number[];
  }
  interface Mode {
    create(options: {
      type: 'encrypt' | 'decrypt';
      key: ArrayLike<number>;
      iv: ArrayLike<number>;
    }): CipherInstance;
  }
  const des: {
    DES: unknown;
    CBC: { instantiate(base: unknown): Mode };
  };
  export default des;
}
