/** A reason enrollment cannot go ahead, worded for the person running `vigil-agent enroll`. */
export class EnrollError extends Error {}
