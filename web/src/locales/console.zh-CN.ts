// Staff console messages (Chinese). Owned by the console; merged into the app's messages.
export default {}
