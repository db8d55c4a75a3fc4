// The name of the prebuilt addon's package for this platform, as npm's os/cpu/libc fields select
// it: @mlwatch/linux-x64-gnu, say. Shared by the install script (native/install.cjs) and the
// loader (src/backend/native.ts), so both look for the same package.
'use strict';

function platformPackage() {
  const report = process.report && process.report.getReport();
  const glibc = report && report.header && report.header.glibcVersionRuntime;
  const libc = process.platform === 'linux' ? (glibc ? '-gnu' : '-musl') : '';
  return `@mlwatch/${process.platform}-${process.arch}${libc}`;
}

module.exports = { platformPackage };
