/** Two addresses in Hà Nội (province 001) for residence tests. */
export const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
export const elsewhere = { provinceCode: '001', communeCode: '00007', line: '3 Hàng Bài' };
