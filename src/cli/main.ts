// Placeholder until the CLI lands.
console.log('samlguard CLI');
