const officeCrypto = require('officecrypto-tool');
const fs = require('fs');
(async () => {
  const input = fs.readFileSync('messy.xlsx');
  const out = await officeCrypto.encrypt(input, {password: 'secret'});
  fs.writeFileSync('encrypted.xlsx', out);
})();
