// Custom message trigger: the app's own wording of the sign-up and password reset emails.
// Each keeps the code's placeholder (event.request.codeParameter, "{####}"), or Cognito
// sends its own message instead.
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
export const handler = async (event) => {
  const code = event.request.codeParameter;
  const name = event.userName;
  switch (event.triggerSource) {
    case "CustomMessage_SignUp":
    case "CustomMessage_ResendCode":
      event.response.emailSubject = "Welcome to Trigger App";
      event.response.emailMessage = `Hello ${name}, confirm your account with code ${code}.`;
      break;
    case "CustomMessage_ForgotPassword":
      event.response.emailSubject = "Reset your Trigger App password";
      event.response.emailMessage = `Hello ${name}, your password reset code is ${code}.`;
      break;
    default:
      break; // Cognito's own message
  }
  return event;
};
